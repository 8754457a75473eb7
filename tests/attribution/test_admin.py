"""The policy admin form: every parameter explained, versions created by the service."""

import pytest

from attribution.models import PolicyVersion
from attribution.selectors import policy_in_force

pytestmark = pytest.mark.django_db


def test_the_add_form_explains_every_parameter(client, admin_user, project):
    client.force_login(admin_user)
    html = client.get("/admin/attribution/policyversion/add/").content.decode()
    for name in ("follow_up_window_days", "same_day_collision", "claim_quota", "penalties"):
        assert f'name="{name}"' in html
    assert "keeps the claim alive to the end of" in html


def test_a_new_version_keeps_what_is_not_given_and_applies_the_overrides(
    client, admin_user, project
):
    client.force_login(admin_user)
    response = client.post(
        "/admin/attribution/policyversion/add/",
        {
            "project": project.pk,
            "preset": "",
            "note": "quota for the quarter",
            "claim_quota": "80",
            "same_day_collision": "manager",
            "calls_establish_claim": "false",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PolicyVersion.objects.filter(project=project).count() == 2
    policy = policy_in_force(project)
    assert (
        policy.claim_quota,
        policy.same_day_collision,
        policy.calls_establish_claim,
        policy.follow_up_window_days,
    ) == (80, "manager", False, 7)


def test_an_invalid_parameter_is_shown_next_to_its_field(client, admin_user, project):
    client.force_login(admin_user)
    response = client.post(
        "/admin/attribution/policyversion/add/",
        {"project": project.pk, "follow_up_window_days": "0"},
    )
    assert response.status_code == 200
    assert PolicyVersion.objects.filter(project=project).count() == 1
    assert "errorlist" in response.content.decode()


def test_a_version_cannot_be_edited_in_the_admin(client, admin_user, project):
    client.force_login(admin_user)
    version = PolicyVersion.objects.get(project=project)
    response = client.post(f"/admin/attribution/policyversion/{version.pk}/change/", {})
    assert response.status_code == 403

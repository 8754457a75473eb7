"""A manager unlocks a colleague locked out by failed logins: POST /api/staff/{username}/unlock/
or the admin's list of locked logins (/admin/axes/accessattempt/)."""

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from disputes.admin_access import manager_admin_access_grant
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "pass12345"


def token(username, password, address="127.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/auth/token/", {"username": username, "password": password}
    )


def lock(username, address="127.0.0.1"):
    for _ in range(5):
        token(username, "wrong-password", address)
    assert token(username, RIGHT, address).status_code == 429


@pytest.fixture
def elsewhere():
    """Another project's manager and consultant."""
    other = ProjectFactory(code="QT02", name="其他项目")
    return (
        UserFactory(username="olga", role="manager", project=other),
        UserFactory(username="oscar", role="consultant", project=other),
    )


def test_manager_unlocks_a_locked_account(api, alice, mike):
    lock("alice")

    answer = api(mike).post("/api/staff/alice/unlock/")

    assert (answer.status_code, answer.json()) == (200, {"unlocked": True})
    assert token("alice", RIGHT).status_code == 200


def test_unlocking_an_account_that_is_not_locked_is_harmless(api, alice, mike):
    assert api(mike).post("/api/staff/alice/unlock/").json() == {"unlocked": True}
    assert token("alice", RIGHT).status_code == 200


def test_a_superuser_unlocks_anyone(api, alice):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    lock("alice")

    assert api(root).post("/api/staff/alice/unlock/").status_code == 200
    assert token("alice", RIGHT).status_code == 200


def test_only_a_manager_of_their_project_unlocks_them(api, alice, bob, chan, mike, elsewhere):
    olga, _oscar = elsewhere
    lock("alice")
    lock("oscar", "10.0.0.2")

    consultant = api(bob).post("/api/staff/alice/unlock/")
    assert (consultant.status_code, consultant.json()["code"]) == (403, "not_permitted")
    assert api(chan).post("/api/staff/alice/unlock/").status_code == 403
    stranger = api(olga).post("/api/staff/alice/unlock/")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "not_found")
    assert api(mike).post("/api/staff/oscar/unlock/").status_code == 404
    assert api(mike).post("/api/staff/nobody/unlock/").status_code == 404
    assert token("alice", RIGHT).status_code == 429
    assert token("oscar", RIGHT, "10.0.0.2").status_code == 429


def test_managers_unlock_their_staff_in_the_admin(client, alice, mike, elsewhere):
    manager_admin_access_grant(mike)
    lock("alice")
    lock("oscar", "10.0.0.2")
    client.force_login(mike)

    listed = client.get("/admin/axes/accessattempt/")

    assert listed.status_code == 200
    rows = listed.context["cl"].result_list
    assert [(r.username, r.username_failures) for r in rows] == [("alice", 5)]
    assert "登录保护" in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    done = client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": [r.pk for r in rows]},
        follow=True,
    )

    assert "1 login unlocked." in done.content.decode()
    assert token("alice", RIGHT).status_code == 200
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["oscar"]


def test_a_manager_cannot_delete_the_records_nor_see_other_projects_staff(client, mike, elsewhere):
    manager_admin_access_grant(mike)
    lock("oscar", "10.0.0.2")
    client.force_login(mike)
    attempt = AccessAttempt.objects.get()

    assert client.get(f"/admin/axes/accessattempt/{attempt.pk}/change/").status_code == 302
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 403
    assert AccessAttempt.objects.exists()


def test_consultants_have_no_list_of_locked_logins(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    assert client.get("/admin/axes/accessattempt/").status_code == 403

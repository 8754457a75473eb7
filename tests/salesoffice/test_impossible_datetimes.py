"""Issue 19, defect 4: minute 99, hour 25 or 30 February crashed registrations, follow-ups,
subscriptions, payments and the attribution ``?at=`` parameter with a 500 (``parse_datetime``
raises ``ValueError`` on a well-formed but impossible date). The body was parsed before the
role was checked, so even a channel agent could raise it. Now: 400 ``invalid`` naming the field,
and the role is checked before the body."""

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

IMPOSSIBLE = [
    "2026-03-02T10:99",
    "2026-03-02T25:00",
    "2026-02-30T10:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59-08:00",
    "2026-13-01T10:00",
]
WRITES = [
    ("/api/registrations/", "occurred_at"),
    ("/api/follow-ups/", "occurred_at"),
    ("/api/subscriptions/", "occurred_at"),
    ("/api/payments/", "paid_at"),
]


@pytest.mark.parametrize("when", IMPOSSIBLE)
@pytest.mark.parametrize(("path", "field"), WRITES)
def test_an_impossible_date_time_is_a_400_naming_the_field(api, alice, fiona, path, field, when):
    caller = fiona if path == "/api/payments/" else alice
    response = api(caller).post(path, {field: when, "project": "HX01"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


@pytest.mark.parametrize(("path", "field"), WRITES)
def test_a_channel_agent_is_refused_before_the_body_is_read(api, chan, path, field):
    response = api(chan).post(path, {field: IMPOSSIBLE[0]}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


@pytest.mark.parametrize("when", IMPOSSIBLE)
def test_an_impossible_at_is_a_400(api, alice, project, when):
    household = CustomerFactory(project=project).household
    response = api(alice).get(f"/api/households/{household.pk}/attribution/", {"at": when})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "at" in response.json()["fields"]


def test_a_real_at_still_answers(api, mike, project):
    household = CustomerFactory(project=project).household
    response = api(mike).get(
        f"/api/households/{household.pk}/attribution/", {"at": "2026-03-02T10:00"}
    )
    assert response.status_code == 200

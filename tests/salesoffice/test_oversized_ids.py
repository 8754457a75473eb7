"""Issue 19, defect 6: ``POST /api/handover-batches/`` with a unit id beyond 64 bits answered 500
(``OverflowError``). Every id field validates its range, in bodies (400) and in URLs (404)."""

import pytest

pytestmark = pytest.mark.django_db

HUGE = 2**64 + 1


@pytest.mark.parametrize(
    ("user", "path", "body", "field"),
    [
        (
            "mike",
            "/api/handover-batches/",
            {"project": "HX01", "name": "一批", "units": [HUGE]},
            "units",
        ),
        (
            "alice",
            "/api/follow-ups/",
            {
                "customer": HUGE,
                "consultant": "alice",
                "occurred_at": "2026-03-02T10:00",
                "channel": "phone",
                "note": "x",
            },
            "customer",
        ),
        (
            "alice",
            "/api/subscriptions/",
            {
                "unit": HUGE,
                "customer": HUGE,
                "consultant": "alice",
                "deposit": "1.00",
                "occurred_at": "2026-03-02T10:00",
            },
            "unit",
        ),
        (
            "mike",
            "/api/households/reassign/",
            {"households": [HUGE], "consultant": "alice", "reason": "客诉"},
            "households",
        ),
        (
            "mike",
            "/api/disputes/",
            {"household": HUGE, "claimant": "alice", "reason": "x"},
            "household",
        ),
        (
            "fiona",
            "/api/payments/",
            {"contract": HUGE, "amount": "1.00", "paid_at": "2026-03-02T10:00", "method": "cash"},
            "contract",
        ),
    ],
)
def test_an_id_beyond_the_database_is_a_400_naming_the_field(
    request, api, project, alice, mike, fiona, user, path, body, field
):
    response = api(request.getfixturevalue(user)).post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/customers/{HUGE}/",
        f"/api/households/{HUGE}/attribution/",
        f"/api/registrations/{HUGE}/",
        f"/customers/{HUGE}/",
        f"/api/households/{'9' * 19}/attribution/",
    ],
)
def test_an_id_beyond_the_database_in_a_url_is_not_found(api, client, mike, path):
    client.force_login(mike)
    assert client.get(path).status_code == 404
    assert api(mike).get(path).status_code == 404


def test_the_largest_id_the_database_holds_is_an_ordinary_miss(api, mike):
    response = api(mike).get(f"/api/customers/{10**17}/")
    assert response.status_code == 404

"""The REST contract of API.md "Deals and commission": shapes, codes and who may call what."""

from datetime import timedelta
from decimal import Decimal

import pytest

from attribution.facts import ChannelFact
from attribution.selectors import FACT_SOURCES
from orders.models import Subscription, UnitStatus
from tests.factories import CustomerFactory, ProjectFactory
from tests.orders.conftest import DAY1, make_unit, register

pytestmark = pytest.mark.django_db


def subscription_body(unit, customer, consultant, **fields) -> dict:
    return {
        "unit": unit.pk,
        "customer": customer.pk,
        "consultant": consultant.username,
        "deposit": "50000.00",
        "occurred_at": "2026-03-02T10:00:00",
        "owner_absent": False,
        "deposit_only": False,
        "assisted_by": None,
        **fields,
    }


def post(api, user, path, body):
    return api(user).post(path, body, format="json")


class TestSubscriptionApi:
    def test_201_with_id_attribution_and_commission_shares(self, api, project, alice, clock):
        customer = register(project, alice)
        unit = make_unit(project)
        response = post(api, alice, "/api/subscriptions/", subscription_body(unit, customer, alice))
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["id"] == Subscription.objects.get().pk
        assert body["attribution"]["status"] == "locked"
        assert body["attribution"]["owner"] == {"username": "alice", "name": "王芳"}
        assert body["attribution"]["basis"][-1]["rule"] == "A8"
        assert body["commission"]["shares"] == [
            {"consultant": "alice", "percent": "100.00", "role": "owner"}
        ]
        assert body["price"] == "1200000.00"
        assert body["unit"]["status"] == UnitStatus.SUBSCRIBED
        assert body["occurred_at"] == "2026-03-02T10:00:00+08:00"

    def test_percent_is_a_decimal_string_for_each_party(self, api, project, alice, bob, clock):
        customer = register(project, alice)
        body = subscription_body(make_unit(project), customer, bob, owner_absent=True)
        shares = post(api, bob, "/api/subscriptions/", body).json()["commission"]["shares"]
        assert {(s["consultant"], s["percent"]) for s in shares} == {
            ("bob", "50.00"),
            ("alice", "50.00"),
        }

    def test_a_channel_share_names_the_channel(self, api, project, alice, clock, monkeypatch):
        customer = register(project, alice)
        visit = ChannelFact(1, "链家", "chan", DAY1, DAY1)
        monkeypatch.setitem(FACT_SOURCES, "channels", lambda ids: [(customer.pk, visit)])
        monkeypatch.setattr("orders.services.channel_share", lambda **kw: Decimal("10"))
        body = post(
            api,
            alice,
            "/api/subscriptions/",
            subscription_body(make_unit(project), customer, alice),
        ).json()
        assert {"channel": "链家", "percent": "10.00", "role": "channel"} in body["commission"][
            "shares"
        ]
        assert body["attribution"]["channel"]["name"] == "链家"

    def test_a_helper_is_named_by_username(self, api, project, alice, bob, clock):
        customer = register(project, alice)
        body = subscription_body(make_unit(project), customer, alice, assisted_by="bob")
        response = post(api, alice, "/api/subscriptions/", body)
        assert response.json()["assisted_by"] == {"username": "bob", "name": "李强"}
        assert {s["percent"] for s in response.json()["commission"]["shares"]} == {
            "70.00",
            "30.00",
        }

    def test_a_collision_answers_disputed_with_the_dispute(self, api, project, alice, bob, clock):
        customer = register(project, alice)
        clock.move_to(DAY1 + timedelta(hours=3), tick=False)
        body = subscription_body(
            make_unit(project), customer, bob, occurred_at="2026-03-02T13:00:00"
        )
        answer = post(api, bob, "/api/subscriptions/", body).json()
        assert answer["attribution"]["status"] == "disputed"
        assert answer["dispute"] is not None
        assert answer["commission"]["shares"] == [
            {"consultant": "alice", "percent": "100.00", "role": "owner"}
        ]

    def test_a_unit_already_held_is_409_unit_taken(self, api, project, alice, bob, clock):
        unit = make_unit(project)
        post(
            api,
            alice,
            "/api/subscriptions/",
            subscription_body(unit, register(project, alice), alice),
        )
        other = register(project, bob, phone="13900139000", name="钱多多")
        response = post(api, bob, "/api/subscriptions/", subscription_body(unit, other, bob))
        assert response.status_code == 409
        assert response.json()["code"] == "unit_taken"
        assert response.json()["detail"]

    def test_a_consultant_for_someone_else_is_403_not_permitted(
        self, api, project, alice, bob, clock
    ):
        body = subscription_body(make_unit(project), register(project, alice), alice)
        response = post(api, bob, "/api/subscriptions/", body)
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_clerk_enters_it_for_a_consultant(self, api, project, alice, clara, clock):
        body = subscription_body(make_unit(project), register(project, alice), alice)
        assert post(api, clara, "/api/subscriptions/", body).status_code == 201

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"unit": 999999}, "unknown_unit"),
            ({"customer": 999999}, "unknown_customer"),
            ({"consultant": "nobody"}, "unknown_consultant"),
            ({"assisted_by": "nobody"}, "unknown_assisted_by"),
            ({"deposit": "0"}, "invalid"),
            ({"deposit": "abc"}, "invalid"),
            ({"occurred_at": "yesterday"}, "invalid"),
            ({"occurred_at": "2026-03-02T11:00:00"}, "occurred_in_future"),
            ({"deposit": "2000000.00"}, "deposit_exceeds_price"),
        ],
    )
    def test_a_bad_request_is_400_with_a_stable_code(
        self, api, project, alice, clock, change, code
    ):
        body = subscription_body(make_unit(project), register(project, alice), alice)
        response = post(api, alice, "/api/subscriptions/", {**body, **change})
        assert (response.status_code, response.json()["code"]) == (400, code)
        assert not Subscription.objects.exists()

    def test_a_customer_of_another_project_is_refused(self, api, project, alice, clock):
        other = ProjectFactory(code="ZZ97")
        alice.memberships.create(project=other)
        stranger = CustomerFactory(project=other)
        body = subscription_body(make_unit(project), stranger, alice)
        response = post(api, alice, "/api/subscriptions/", body)
        assert (response.status_code, response.json()["code"]) == (400, "customer_not_in_project")

    def test_a_unit_of_a_project_the_caller_is_not_in_is_unknown(self, api, alice, clock):
        unit = make_unit(ProjectFactory(code="ZZ96"))
        customer = CustomerFactory(project=unit.project)
        response = post(api, alice, "/api/subscriptions/", subscription_body(unit, customer, alice))
        assert (response.status_code, response.json()["code"]) == (400, "unknown_unit")

    def test_no_response_names_the_customer(self, api, project, alice, clock):
        customer = register(project, alice, name="赵敏")
        body = subscription_body(make_unit(project), customer, alice)
        response = post(api, alice, "/api/subscriptions/", body)
        assert "赵敏" not in response.content.decode()
        assert "13800138000" not in response.content.decode()


class TestCancelApi:
    def subscribed(self, api, project, alice):
        body = subscription_body(make_unit(project), register(project, alice), alice)
        return post(api, alice, "/api/subscriptions/", body).json()["id"]

    def test_a_manager_cancels_with_a_reason(self, api, project, alice, mike, clock):
        pk = self.subscribed(api, project, alice)
        response = post(api, mike, f"/api/subscriptions/{pk}/cancel/", {"reason": "客户资金问题"})
        assert response.status_code == 201
        body = response.json()
        assert body["subscription"] == pk
        assert body["unit"]["status"] == UnitStatus.AVAILABLE
        assert body["attribution"]["status"] == "active"
        assert body["approved_by"]["username"] == "mike"

    def test_a_consultant_cannot_cancel(self, api, project, alice, clock):
        pk = self.subscribed(api, project, alice)
        response = post(api, alice, f"/api/subscriptions/{pk}/cancel/", {"reason": "退订"})
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_blank_reason_is_400_reason_required(self, api, project, alice, mike, clock):
        pk = self.subscribed(api, project, alice)
        response = post(api, mike, f"/api/subscriptions/{pk}/cancel/", {"reason": ""})
        assert (response.status_code, response.json()["code"]) == (400, "reason_required")

    def test_twice_is_409_already_cancelled(self, api, project, alice, mike, clock):
        pk = self.subscribed(api, project, alice)
        post(api, mike, f"/api/subscriptions/{pk}/cancel/", {"reason": "退订"})
        response = post(api, mike, f"/api/subscriptions/{pk}/cancel/", {"reason": "退订"})
        assert (response.status_code, response.json()["code"]) == (409, "already_cancelled")

    def test_a_subscription_outside_the_callers_projects_is_404(self, api, project, alice, clock):
        pk = self.subscribed(api, project, alice)
        outsider = ProjectFactory(code="ZZ95")
        from tests.factories import UserFactory

        boss = UserFactory(username="boss", role="manager", project=outsider)
        response = post(api, boss, f"/api/subscriptions/{pk}/cancel/", {"reason": "退订"})
        assert response.status_code == 404


class TestUnitsApi:
    def test_a_manager_adds_a_unit_and_the_floor_comes_from_the_room(self, api, project, mike):
        response = post(
            api,
            mike,
            "/api/units/",
            {
                "project": "HX01",
                "building": "3",
                "unit": "2",
                "room": "1502",
                "area": "89.50",
                "list_price": "1200000",
            },
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["floor"], body["status"], body["list_price"]) == (
            15,
            "available",
            "1200000.00",
        )
        assert body["label"] == "3栋2单元1502"

    def test_an_explicit_floor_and_layout_are_kept(self, api, project, mike):
        body = {
            "project": "HX01",
            "building": "3",
            "room": "A",
            "floor": 2,
            "layout": "三室两厅",
            "area": "120",
            "list_price": "2000000",
        }
        answer = post(api, mike, "/api/units/", body).json()
        assert (answer["floor"], answer["layout"], answer["unit"]) == (2, "三室两厅", "")

    def test_the_same_unit_twice_is_409_unit_exists(self, api, project, mike):
        body = {
            "project": "HX01",
            "building": "1",
            "unit": "1",
            "room": "301",
            "area": "90",
            "list_price": "1",
        }
        post(api, mike, "/api/units/", body)
        response = post(api, mike, "/api/units/", body)
        assert (response.status_code, response.json()["code"]) == (409, "unit_exists")

    @pytest.mark.parametrize("role", ["alice", "clara", "fiona"])
    def test_only_a_manager_adds_units(self, api, project, role, request):
        user = request.getfixturevalue(role)
        body = {"project": "HX01", "building": "1", "room": "301", "area": "9", "list_price": "1"}
        response = post(api, user, "/api/units/", body)
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"area": "0"}, "area"), ({"list_price": "-1"}, "list_price"), ({"room": ""}, "room")],
    )
    def test_invalid_values_are_400(self, api, project, mike, change, field):
        body = {"project": "HX01", "building": "1", "room": "301", "area": "9", "list_price": "1"}
        response = post(api, mike, "/api/units/", {**body, **change})
        assert response.status_code == 400
        assert field in response.json()["fields"]

    def test_an_unknown_project_is_400(self, api, mike):
        body = {"project": "NOPE", "building": "1", "room": "301", "area": "9", "list_price": "1"}
        response = post(api, mike, "/api/units/", body)
        assert (response.status_code, response.json()["code"]) == (400, "unknown_project")

    def test_the_list_filters_by_building_and_status(self, api, project, alice, clock):
        make_unit(project, building="1", room="301")
        make_unit(project, building="1", room="302", status=UnitStatus.RESERVED)
        make_unit(project, building="2", room="301")
        client = api(alice)
        assert len(client.get("/api/units/?project=HX01").json()) == 3
        building = client.get("/api/units/?project=HX01&building=1").json()
        assert {u["room"] for u in building} == {"301", "302"}
        free = client.get("/api/units/?project=HX01&building=1&status=available").json()
        assert [u["room"] for u in free] == ["301"]

    def test_an_unknown_status_filter_is_400(self, api, project, alice):
        response = api(alice).get("/api/units/?project=HX01&status=sold")
        assert (response.status_code, response.json()["code"]) == (400, "invalid")

    def test_a_channel_agent_does_not_read_the_inventory(self, api, project, chan):
        response = api(chan).get("/api/units/?project=HX01")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_project_the_caller_is_not_in_is_404(self, api, project, alice):
        ProjectFactory(code="ZZ94")
        assert api(alice).get("/api/units/?project=ZZ94").status_code == 404

    def test_anonymous_is_refused(self, api, project):
        assert api().get("/api/units/?project=HX01").status_code in (401, 403)


def test_the_schema_lists_the_deal_endpoints(api, mike):
    schema = api(mike).get("/api/schema/?format=json").json()
    for path in (
        "/api/units/",
        "/api/subscriptions/",
        "/api/subscriptions/{id}/cancel/",
        "/api/commission/",
    ):
        assert path in schema["paths"]

"""Attribution through the API: the verdict everywhere, and the acts that move a household."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attribution.models import Assignment, HouseholdState
from customers.models import Customer
from projects.models import Membership, Notification
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


def register(api, user, phone="13800138000", consultant=None, **fields):
    body = {
        "project": "HX01",
        "kind": "visit",
        "occurred_at": "",
        "consultant": consultant or user.username,
        "name": "赵敏",
        "gender": "F",
        "phone": phone,
    }
    body.update(fields)
    from django.utils import timezone

    body["occurred_at"] = body["occurred_at"] or timezone.now().isoformat()
    response = api(user).post("/api/registrations/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


class TestVerdictEverywhere:
    def test_a_registration_answers_with_the_windowed_verdict_and_its_basis(
        self, api, alice, clock
    ):
        data = register(api, alice)
        attribution = data["attribution"]
        assert attribution["status"] == "active"
        assert attribution["expires_at"] == "2026-03-09T23:59:59+08:00"
        assert [b["rule"] for b in attribution["basis"]] == ["A1", "A2"]
        assert all(b["text"] for b in attribution["basis"])

    def test_the_attribution_endpoint_answers_for_any_past_time(self, api, alice, bob, clock):
        clock.move_to(DAY1.replace(hour=14, minute=30), tick=False)
        household = register(api, bob, occurred_at="2026-03-02T14:00:00+08:00")["household"]
        clock.move_to(DAY1.replace(hour=20), tick=False)
        register(api, alice, occurred_at="2026-03-02T10:00:00+08:00")  # the evening sheet
        url = f"/api/households/{household}/attribution/"
        assert (
            api(alice).get(url, {"at": "2026-03-02T16:00:00"}).json()["owner"]["username"] == "bob"
        )
        assert api(alice).get(url).json()["owner"]["username"] == "alice"

    def test_the_materialised_status_follows_every_registration(self, api, alice, clock):
        data = register(api, alice)
        state = HouseholdState.objects.get(household_id=data["household"])
        assert (state.owner, state.status) == (alice, "active")
        assert state.expires_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)

    def test_lookup_shows_the_owner_and_expiry_to_a_colleague(self, api, alice, bob, clock):
        register(api, bob)
        data = api(alice).get("/api/lookup/", {"project": "HX01", "phone": "13800138000"}).json()
        assert data["owner"]["username"] == "bob"
        assert data["expires_at"] == "2026-03-09T23:59:59+08:00"
        assert data["status"] == "active"


class TestQuota:
    def test_a9_beyond_the_quota_the_visit_is_registered_but_the_household_stays_in_the_pool(
        self, api, clock
    ):
        project = ProjectFactory(code="Q1", policy__claim_quota=1)
        carol = UserFactory(username="carol", role="consultant", project=project)
        body = {
            "project": "Q1",
            "kind": "visit",
            "consultant": "carol",
            "name": "甲",
            "gender": "M",
            "occurred_at": DAY1.isoformat(),
        }
        first = (
            api(carol)
            .post("/api/registrations/", {**body, "phone": "13800000001"}, format="json")
            .json()
        )
        second = (
            api(carol)
            .post("/api/registrations/", {**body, "phone": "13800000002"}, format="json")
            .json()
        )
        assert first["attribution"]["owner"]["username"] == "carol"
        assert second["valid"] is True
        assert (second["attribution"]["owner"], second["attribution"]["status"]) == (None, "pool")
        assert [b["rule"] for b in second["attribution"]["basis"]] == ["A9"]

    def test_a9_a_manager_sets_a_consultants_own_quota(self, api, project, alice, mike, clock):
        response = api(mike).patch("/api/staff/alice/", {"claim_quota": 0}, format="json")
        assert response.status_code == 200
        assert Membership.objects.get(project=project, user=alice).claim_quota == 0
        data = register(api, alice)
        assert data["attribution"]["status"] == "pool"

    def test_a9_a_consultant_cannot_set_quotas(self, api, alice, bob):
        response = api(alice).patch("/api/staff/bob/", {"claim_quota": 80}, format="json")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")


class TestReferralAndFamily:
    def test_a6_a_referrer_present_brings_the_newcomer_to_their_owner(self, api, alice, bob, clock):
        register(api, bob, phone="13900139000")
        data = register(
            api, alice, phone="13800138000", referrer_phone="13900139000", referrer_present=True
        )
        assert data["attribution"]["owner"]["username"] == "bob"
        assert data["attribution"]["basis"][0]["rule"] == "A6"

    def test_a3_a_spouse_joins_and_the_superseded_consultant_is_told(self, api, alice, bob, clock):
        register(api, alice, phone="13900139000", name="张三")
        clock.move_to(DAY1 + timedelta(hours=1), tick=False)
        register(api, bob, phone="13800138000", name="李四")
        clock.move_to(DAY1 + timedelta(hours=2), tick=False)
        data = register(
            api,
            bob,
            phone="13800138000",
            name="李四",
            relation={"phone": "13900139000", "kind": "spouse"},
        )
        assert data["attribution"]["owner"]["username"] == "alice"
        assert "A3" in [b["rule"] for b in data["attribution"]["basis"]]
        assert Notification.objects.filter(recipient=bob, kind="claim_superseded").exists()

    def test_a3_a_clerk_links_two_existing_customers(self, api, alice, bob, clara, clock):
        register(api, alice, phone="13900139000")
        register(api, bob, phone="13800138000")
        ids = dict(Customer.objects.values_list("phone", "id"))
        response = api(clara).post(
            "/api/households/link/",
            {"customer": ids["13800138000"], "relative": ids["13900139000"], "kind": "parent"},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["attribution"]["owner"]["username"] == "alice"

    def test_a3_a_consultant_cannot_link_households(self, api, alice, bob, clock):
        register(api, alice, phone="13900139000")
        register(api, bob, phone="13800138000")
        ids = list(Customer.objects.values_list("id", flat=True))
        response = api(bob).post(
            "/api/households/link/",
            {"customer": ids[0], "relative": ids[1], "kind": "spouse"},
            format="json",
        )
        assert response.status_code == 403


class TestPendingClaims:
    def test_a4_a_pending_household_is_claimed_with_evidence_and_approved(
        self, api, alice, bob, mike, clock
    ):
        household = register(api, alice, returning_unknown=True)["household"]
        assert (
            api(alice).get(f"/api/households/{household}/attribution/").json()["status"]
            == "pending"
        )
        claim = api(bob).post(
            f"/api/households/{household}/claims/",
            {"consultant": "bob", "evidence": "3月1日来电记录"},
            format="json",
        )
        assert claim.status_code == 201 and claim.json()["state"] == "submitted"
        decision = api(mike).post(
            f"/api/households/{household}/claims/{claim.json()['id']}/decision/",
            {"approve": True, "reason": "来电记录属实"},
            format="json",
        )
        assert decision.json() == {"id": claim.json()["id"], "state": "approved"}
        verdict = api(alice).get(f"/api/households/{household}/attribution/").json()
        assert (verdict["owner"]["username"], verdict["basis"][0]["rule"]) == ("bob", "A4")

    def test_a4_only_a_manager_decides(self, api, alice, bob, clock):
        household = register(api, alice, returning_unknown=True)["household"]
        claim = (
            api(bob)
            .post(
                f"/api/households/{household}/claims/",
                {"consultant": "bob", "evidence": "记录"},
                format="json",
            )
            .json()
        )
        response = api(bob).post(
            f"/api/households/{household}/claims/{claim['id']}/decision/",
            {"approve": True},
            format="json",
        )
        assert response.status_code == 403

    def test_a4_a_claim_without_evidence_is_refused(self, api, alice, bob, clock):
        household = register(api, alice, returning_unknown=True)["household"]
        response = api(bob).post(
            f"/api/households/{household}/claims/",
            {"consultant": "bob", "evidence": " "},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (400, "evidence_required")

    def test_a4_an_owned_household_cannot_be_claimed(self, api, alice, bob, clock):
        household = register(api, alice)["household"]
        response = api(bob).post(
            f"/api/households/{household}/claims/",
            {"consultant": "bob", "evidence": "x"},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (409, "not_pending")


class TestPool:
    @pytest.fixture
    def lapsed(self, api, bob, clock):
        household = register(api, bob)["household"]
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        return household

    def test_a14_a_consultant_takes_a_lapsed_household_from_the_pool(self, api, alice, lapsed):
        response = api(alice).post(f"/api/households/{lapsed}/take/")
        assert response.status_code == 201
        data = response.json()
        assert (data["owner"]["username"], data["basis"][0]["rule"]) == ("alice", "A14")
        assert data["expires_at"] == "2026-03-17T23:59:59+08:00"

    def test_a14_an_owned_household_is_not_in_the_pool(self, api, alice, bob, clock):
        household = register(api, bob)["household"]
        response = api(alice).post(f"/api/households/{household}/take/")
        assert (response.status_code, response.json()["code"]) == (409, "not_in_pool")

    def test_a14_the_daily_take_limit(self, api, project, alice, bob, clock, mike):
        households = [register(api, bob, phone=f"1380013800{i}")["household"] for i in range(2)]
        api(mike).patch("/api/projects/HX01/policy/", {"pool_daily_take_limit": 1}, format="json")
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        assert api(alice).post(f"/api/households/{households[0]}/take/").status_code == 201
        response = api(alice).post(f"/api/households/{households[1]}/take/")
        assert (response.status_code, response.json()["code"]) == (409, "pool_daily_limit")

    def test_a14_whoever_let_it_lapse_waits_out_the_cooldown(self, api, bob, mike, clock):
        household = register(api, bob)["household"]
        api(mike).patch(
            "/api/projects/HX01/policy/", {"pool_retake_cooldown_days": 2}, format="json"
        )
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        response = api(bob).post(f"/api/households/{household}/take/")
        assert (response.status_code, response.json()["code"]) == (409, "retake_cooldown")
        clock.move_to(datetime(2026, 3, 12, 23, 59, 59, tzinfo=SH), tick=False)
        assert api(bob).post(f"/api/households/{household}/take/").status_code == 409
        clock.move_to(datetime(2026, 3, 13, 0, 0, tzinfo=SH), tick=False)
        assert api(bob).post(f"/api/households/{household}/take/").status_code == 201

    def test_a14_taking_beyond_the_quota_is_refused(self, api, project, alice, mike, lapsed):
        api(mike).patch("/api/staff/alice/", {"claim_quota": 0}, format="json")
        response = api(alice).post(f"/api/households/{lapsed}/take/")
        assert (response.status_code, response.json()["code"]) == (409, "quota_reached")

    def test_a14_a_manager_redistributes_the_pool_in_bulk(self, api, alice, bob, mike, clock):
        households = [register(api, bob, phone=f"1380013800{i}")["household"] for i in range(3)]
        clock.move_to(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
        response = api(mike).post(
            "/api/households/reassign/",
            {"households": households, "consultant": "alice", "reason": "二次分配"},
            format="json",
        )
        assert response.status_code == 200 and response.json()["count"] == 3
        assert {r["rule"] for r in response.json()["reassigned"]} == {"A14"}
        assert HouseholdState.objects.filter(owner=alice, status="active").count() == 3


class TestReassignmentAndDeparture:
    def test_a11_a_manager_reassigns_an_owned_household_with_a_reason(
        self, api, alice, bob, mike, clock
    ):
        household = register(api, bob)["household"]
        response = api(mike).post(
            "/api/households/reassign/",
            {"households": [household], "consultant": "alice", "reason": "客户投诉服务态度"},
            format="json",
        )
        assert response.json()["reassigned"][0] == {
            "household": household,
            "rule": "A11",
            "previous_owner": "bob",
        }
        verdict = api(mike).get(f"/api/households/{household}/attribution/").json()
        assert (verdict["owner"]["username"], verdict["basis"][0]["rule"]) == ("alice", "A11")
        assert Notification.objects.filter(recipient=bob, kind="household_taken_away").exists()

    def test_a11_a_reason_is_required(self, api, alice, bob, mike, clock):
        household = register(api, bob)["household"]
        response = api(mike).post(
            "/api/households/reassign/",
            {"households": [household], "consultant": "alice", "reason": ""},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (400, "reason_required")

    def test_a11_consultants_cannot_reassign(self, api, alice, bob, clock):
        household = register(api, bob)["household"]
        response = api(alice).post(
            "/api/households/reassign/",
            {"households": [household], "consultant": "alice", "reason": "x"},
            format="json",
        )
        assert response.status_code == 403
        assert not Assignment.objects.exists()

    def test_a12_deactivating_a_consultant_releases_their_live_claims(
        self, api, alice, mike, clock
    ):
        households = [register(api, alice, phone=f"1380013800{i}")["household"] for i in range(2)]
        response = api(mike).patch("/api/staff/alice/", {"active": False}, format="json")
        assert (response.status_code, response.json()["released"]) == (200, 2)
        alice.refresh_from_db()
        assert alice.is_active is False
        for household in households:
            verdict = api(mike).get(f"/api/households/{household}/attribution/").json()
            assert (verdict["status"], verdict["basis"][0]["rule"]) == ("pool", "A12")
        assert Notification.objects.filter(recipient=mike, kind="claim_released").exists()


class TestNotifications:
    def test_a_person_reads_their_notifications(self, api, alice, bob, mike, clock):
        household = register(api, bob)["household"]
        api(mike).post(
            "/api/households/reassign/",
            {"households": [household], "consultant": "alice", "reason": "客户要求"},
            format="json",
        )
        data = api(alice).get("/api/notifications/").json()
        assert data["unread"] == 1 and data["results"][0]["kind"] == "household_assigned"
        api(alice).post("/api/notifications/read/")
        assert api(alice).get("/api/notifications/").json()["unread"] == 0
        assert (
            api(bob).get("/api/notifications/").json()["results"][0]["kind"]
            == "household_taken_away"
        )

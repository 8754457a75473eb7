"""The Disputes endpoints of API.md: open (JSON or multipart), list and read, review, ruling,
appeal and final ruling, with the codes of every refusal."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from attribution.models import Assignment
from disputes.models import Dispute, DisputeEvidence, Violation
from disputes.opening import dispute_open
from tests.disputes.conftest import DAY1, SH, register, subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def open_by_api(api, user, household, **extra):
    body = {"household": household.pk, "claimant": user.username, "reason": "我先接待的", **extra}
    return api(user).post("/api/disputes/", body, format="json")


class TestOpening:
    def test_a_consultant_opens_one_carrying_the_verdict_at_opening(self, api, household, bob):
        response = open_by_api(api, bob, household, evidence="来电登记表第3行")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["state"] == "open"
        assert body["attribution_at_opening"]["owner"]["username"] == "alice"
        assert body["attribution_at_opening"]["basis"][0]["rule"] == "A1"
        assert [e["note"] for e in body["evidence"]] == ["来电登记表第3行"]
        attribution = api(bob).get(f"/api/households/{household.pk}/attribution/").json()
        assert attribution["status"] == "disputed"

    def test_evidence_files_come_multipart_and_only_parties_and_managers_download_them(
        self, api, household, bob, mike, alice, clara
    ):
        photo = SimpleUploadedFile("sheet.jpg", b"\xff\xd8\xff photo", content_type="image/jpeg")
        response = api(bob).post(
            "/api/disputes/",
            {
                "household": household.pk,
                "claimant": "bob",
                "reason": "登记表照片",
                "evidence_files": [photo],
            },
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        url = response.json()["evidence"][0]["file"]
        assert DisputeEvidence.objects.get().file.name.endswith("sheet.jpg")
        for user, expected in ((mike, 200), (alice, 200), (clara, 404)):
            client = Client()
            client.force_login(user)
            answer = client.get(url)
            assert answer.status_code == expected, user
        client.force_login(mike)
        assert b"".join(client.get(url).streaming_content) == b"\xff\xd8\xff photo"

    def test_a_consultant_opens_only_for_themself(self, api, household, alice, bob):
        response = api(alice).post(
            "/api/disputes/",
            {"household": household.pk, "claimant": "bob", "reason": "替他"},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_reason_is_required(self, api, household, bob):
        response = open_by_api(api, bob, household, reason=" ")
        assert (response.status_code, response.json()["code"]) == (400, "reason_required")

    def test_a8_too_late_after_the_first_subscription_is_409(
        self, api, household, alice, bob, clock
    ):
        subscribe(household.project, household.members.get(), alice, DAY1)
        clock.move_to(datetime(2026, 3, 5, 23, 59, tzinfo=SH))
        assert open_by_api(api, bob, household).status_code == 201
        clock.move_to(datetime(2026, 3, 6, 0, 0, 1, tzinfo=SH))
        response = open_by_api(api, bob, household)
        assert (response.status_code, response.json()["code"]) == (409, "dispute_too_late")
        assert Dispute.objects.count() == 1


class TestReading:
    def test_managers_see_every_dispute_and_consultants_theirs(
        self, api, project, dispute, mike, alice, bob, clock
    ):
        carol = UserFactory(username="carol", role="consultant", project=project)
        dan = UserFactory(username="dan", role="consultant", project=project)
        register(carol, project, DAY1 + timedelta(hours=5), phone="13900139000", name="钱多")
        clock.move_to(DAY1 + timedelta(hours=6))
        other = register(dan, project, DAY1 + timedelta(hours=6), phone="13900139000")
        dispute_open(
            household=other.customer.household, claimant=dan, reason="我的", acting_user=dan
        )

        def ids(user, query=""):
            response = api(user).get(f"/api/disputes/?project=HX01{query}")
            assert response.status_code == 200, response.json()
            return [d["id"] for d in response.json()["results"]]

        assert len(ids(mike)) == 2
        assert ids(bob) == ids(alice) == [dispute.pk]
        assert ids(carol) != [dispute.pk] and dispute.pk not in ids(carol)
        assert ids(mike, "&state=ruled") == []
        assert api(carol).get(f"/api/disputes/{dispute.pk}/").status_code == 404
        assert api(bob).get(f"/api/disputes/{dispute.pk}/").status_code == 200

    def test_a_clerk_is_not_permitted_and_a_bad_state_is_refused(self, api, dispute, clara, mike):
        response = api(clara).get("/api/disputes/?project=HX01")
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        response = api(mike).get("/api/disputes/?project=HX01&state=closed")
        assert (response.status_code, response.json()["code"]) == (400, "invalid")

    def test_the_list_runs_a_constant_number_of_queries(
        self, api, project, dispute, mike, clock, django_assert_max_num_queries
    ):
        client = api(mike)
        client.get("/api/disputes/?project=HX01")  # warm the caches (role, policy)
        with django_assert_max_num_queries(12) as one:
            client.get("/api/disputes/?project=HX01")
        for n in range(4):
            consultant = UserFactory(role="consultant", project=project)
            phone = f"1370000000{n}"
            register(consultant, project, DAY1 + timedelta(hours=5), phone=phone)
            household = consultant.registrations.get().customer.household
            dispute_open(household=household, claimant=consultant, reason="x", acting_user=mike)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert len(client.get("/api/disputes/?project=HX01").json()["results"]) == 5


class TestRuling:
    def test_a_manager_rules_with_a_template(self, api, dispute, mike):
        response = api(mike).post(
            f"/api/disputes/{dispute.pk}/ruling/",
            {"template": "half", "reason": "双方都有深度接触"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["state"] == "ruled"
        assert body["step"]["shares"] == [
            {"consultant": "alice", "percent": "50.00"},
            {"consultant": "bob", "percent": "50.00"},
        ]
        assert body["attribution"]["basis"][0]["rule"] == "M"
        assert Assignment.objects.get().rule == "M"

    def test_a_ruling_spelled_out_in_full(self, api, dispute, mike):
        response = api(mike).post(
            f"/api/disputes/{dispute.pk}/ruling/",
            {
                "owner": "bob",
                "shares": [{"consultant": "bob", "percent": "100"}],
                "reason": "客户明确要求李强服务",
                "violations": [{"staff": "alice", "kind": "complaint"}],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["attribution"]["owner"]["username"] == "bob"
        violation = Violation.objects.get()
        assert (violation.staff.username, violation.kind, str(violation.amount)) == (
            "alice",
            "complaint",
            "100.00",
        )

    def test_shares_must_sum_to_100(self, api, dispute, mike):
        response = api(mike).post(
            f"/api/disputes/{dispute.pk}/ruling/",
            {
                "owner": "alice",
                "shares": [
                    {"consultant": "alice", "percent": "50"},
                    {"consultant": "bob", "percent": "40"},
                ],
                "reason": "分成",
            },
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (400, "shares_invalid")

    def test_a_party_is_not_permitted(self, api, household, bob, mike, nina):
        opened = dispute_open(household=household, claimant=bob, reason="代开", acting_user=mike)
        response = api(mike).post(
            f"/api/disputes/{opened.pk}/ruling/",
            {"template": "keep_owner", "reason": "原顾问"},
            format="json",
        )
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        consultant = api(bob).post(
            f"/api/disputes/{opened.pk}/ruling/",
            {"template": "complaint", "reason": "我自己判"},
            format="json",
        )
        assert (consultant.status_code, consultant.json()["code"]) == (403, "not_permitted")

    def test_review_appeal_and_final_ruling(self, api, dispute, mike, nina, alice):
        def post(user, path, body):
            return api(user).post(f"/api/disputes/{dispute.pk}/{path}/", body, format="json")

        assert post(nina, "review", {"note": "材料已核实"}).json()["state"] == "reviewed"
        assert post(mike, "ruling", {"template": "complaint", "reason": "投诉属实"}).status_code
        early = post(mike, "final-ruling", {"uphold": True, "reason": "维持"})
        assert (early.status_code, early.json()["code"]) == (409, "not_appealed")
        appeal = post(alice, "appeal", {"reason": "客户没有投诉"})
        assert (appeal.status_code, appeal.json()["state"]) == (201, "appealed")
        again = post(alice, "appeal", {"reason": "再申诉"})
        assert (again.status_code, again.json()["code"]) == (409, "not_appealable")
        by_first = post(mike, "final-ruling", {"uphold": True, "reason": "维持"})
        assert (by_first.status_code, by_first.json()["code"]) == (403, "not_permitted")
        final = post(nina, "final-ruling", {"uphold": True, "reason": "维持原裁决"})
        assert (final.status_code, final.json()["state"]) == (201, "final")
        assert [s["kind"] for s in final.json()["steps"]] == [
            "review",
            "ruling",
            "appeal",
            "final_ruling",
        ]
        closed = post(nina, "ruling", {"template": "half", "reason": "再判"})
        assert (closed.status_code, closed.json()["code"]) == (409, "dispute_closed")
        assert {(v.staff.username, v.kind) for v in Violation.objects.all()} == {
            ("alice", "complaint"),
            ("alice", "rejected_appeal"),
        }

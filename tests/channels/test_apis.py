"""API.md "Channels": reporting, the lists, confirm-visit and signing, and who may call what."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels.models import ChannelReport
from tests.channels.conftest import SH, register, report

pytestmark = pytest.mark.django_db
REPORT = {"project": "HX01", "name": "赵敏", "gender": "F", "phone_visible": "138****8000"}


def post_report(client, **fields):
    return client.post("/api/channel-reports/", {**REPORT, **fields})


class TestReporting:
    def test_an_agent_reports_and_learns_until_when_it_is_valid(self, api, chan, clock):
        response = post_report(api(chan))
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "valid" and body["id"] == ChannelReport.objects.get().pk
        assert body["valid_until"] == "2026-03-09T23:59:59+08:00"
        assert body["phone_visible"] == "138****8000"

    def test_a_time_without_offset_is_the_projects(self, api, chan, clock):
        body = post_report(api(chan), reported_at="2026-03-02T09:00").json()
        assert body["reported_at"] == "2026-03-02T09:00:00+08:00"

    @pytest.mark.parametrize("persona", ["alice", "clara", "mike"])
    def test_nobody_but_a_channel_agent_reports(self, request, api, chan, clock, persona):
        response = post_report(api(request.getfixturevalue(persona)))
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
        assert not ChannelReport.objects.exists()

    def test_a_wrong_visible_phone_is_a_400_and_the_report_is_kept(self, api, chan, clock):
        response = post_report(api(chan), phone_visible="13800138000")
        body = response.json()
        assert (response.status_code, body["code"]) == (400, "invalid_phone_visible")
        assert body["fields"]["phone_visible"] and body["status"] == "refused"
        assert ChannelReport.objects.get(pk=body["id"]).refusal_code == "invalid_phone_visible"

    def test_a_duplicate_is_a_409_that_names_nobody(self, api, chan, dan, clock):
        post_report(api(chan))
        response = post_report(api(dan))
        body = response.json()
        assert (response.status_code, body["code"], body["status"]) == (
            409,
            "report_duplicate",
            "refused",
        )
        # Which channel reported first is that channel's business.
        assert "链家" not in response.content.decode() and "渠道小周" not in body["detail"]

    def test_an_existing_customer_is_a_409_that_echoes_nothing_of_theirs(
        self, api, project, chan, alice, clock
    ):
        register(project, alice, name="赵敏", kind="call")
        response = post_report(api(chan), name="赵大敏")
        assert (response.status_code, response.json()["code"]) == (409, "already_customer")
        text = response.content.decode()
        assert "13800138000" not in text and "赵敏" not in text and "alice" not in text

    def test_an_unknown_project_is_a_400_and_another_projects_a_404(self, api, chan, clock):
        from tests.factories import ProjectFactory

        ProjectFactory(code="ELSE")
        assert post_report(api(chan), project="NOPE").status_code == 400
        assert post_report(api(chan), project="ELSE").status_code == 404


class TestLists:
    @pytest.fixture
    def two_channels(self, project, chan, dan, clock):
        return report(project, chan), report(project, dan, name="钱多", phone="139****9000")

    def test_an_agent_lists_only_their_own_reports_with_the_phone_as_typed(
        self, api, chan, two_channels
    ):
        body = api(chan).get("/api/channel-reports/", {"project": "HX01"}).json()
        assert [(r["name"], r["phone_visible"]) for r in body["results"]] == [
            ("赵敏", "138****8000")
        ]
        assert body["count"] == 1
        assert api(chan).get("/api/channel-reports/").json()["count"] == 1

    def test_an_agent_cannot_read_another_agents_report(self, api, chan, two_channels):
        assert api(chan).get(f"/api/channel-reports/{two_channels[1].pk}/").status_code == 404

    @pytest.mark.parametrize("persona", ["clara", "mike"])
    def test_the_front_desk_and_managers_list_the_whole_project(
        self, request, api, two_channels, persona
    ):
        body = (
            api(request.getfixturevalue(persona))
            .get("/api/channel-reports/", {"project": "HX01"})
            .json()
        )
        assert {r["agent"]["username"] for r in body["results"]} == {"chan", "dan"}
        assert all("returning_site_customer" in r for r in body["results"])

    def test_a_consultant_may_not_list_reports(self, api, alice, two_channels):
        response = api(alice).get("/api/channel-reports/", {"project": "HX01"})
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_status_filters_the_list(self, api, clara, two_channels, clock):
        clock.move_to(datetime(2026, 3, 10, tzinfo=SH), tick=False)
        lapsed = api(clara).get("/api/channel-reports/", {"project": "HX01", "status": "lapsed"})
        assert lapsed.json()["count"] == 2
        valid = api(clara).get("/api/channel-reports/", {"project": "HX01", "status": "valid"})
        assert valid.json()["count"] == 0
        wrong = api(clara).get("/api/channel-reports/", {"project": "HX01", "status": "nope"})
        assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_status")

    def test_the_list_runs_a_constant_number_of_queries(
        self, api, project, chan, dan, clara, bob, clock
    ):
        def list_queries():
            with CaptureQueriesContext(connection) as ctx:
                response = api(clara).get("/api/channel-reports/", {"project": "HX01"})
            assert response.status_code == 200
            return len(ctx.captured_queries)

        first = report(project, chan)
        visit = register(project, bob)
        api(clara).post(
            f"/api/channel-reports/{first.pk}/confirm-visit/", {"registration": visit.pk}
        )
        list_queries()  # warms per-process caches
        few = list_queries()
        for n in range(8):
            made = report(project, dan, name=f"客户{n}", phone=f"139****{n:04d}")
            api(clara).post(
                f"/api/channel-reports/{made.pk}/confirm-visit/",
                {
                    "registration": register(
                        project, bob, phone=f"1390000{n:04d}", name=f"客户{n}"
                    ).pk
                },
            )
        assert list_queries() == few


class TestConfirmVisit:
    @pytest.fixture
    def reported(self, project, chan, clock):
        return report(project, chan)

    def confirm(self, client, made, registration):
        return client.post(
            f"/api/channel-reports/{made.pk}/confirm-visit/", {"registration": registration.pk}
        )

    def test_the_front_desk_confirms_a_matching_visit(self, api, project, bob, clara, reported):
        response = self.confirm(api(clara), reported, register(project, bob))
        body = response.json()
        assert (response.status_code, body["status"]) == (200, "confirmed")
        assert body["protected_until"] == "2026-04-01T23:59:59+08:00"
        assert body["signatures"]["desk"]["username"] == "clara"

    def test_the_verdict_names_the_channel_while_protected(
        self, api, project, bob, clara, alice, reported
    ):
        visit = register(project, bob)
        self.confirm(api(clara), reported, visit)
        url = f"/api/households/{visit.customer.household_id}/attribution/"
        channel = api(alice).get(url).json()["channel"]
        assert (channel["name"], channel["agent"]) == ("链家", "chan")
        later = api(alice).get(url, {"at": "2026-04-02T00:00:00+08:00"}).json()
        assert later["channel"] is None

    @pytest.mark.parametrize("persona", ["chan", "alice"])
    def test_an_agent_or_a_consultant_cannot_confirm(
        self, request, api, project, bob, reported, persona
    ):
        response = self.confirm(
            api(request.getfixturevalue(persona)), reported, register(project, bob)
        )
        assert (response.status_code, response.json()["code"]) == (403, "not_permitted")

    def test_a_mismatch_is_a_409_and_the_report_is_invalid(
        self, api, project, bob, clara, chan, reported
    ):
        response = self.confirm(api(clara), reported, register(project, bob, name="赵小敏"))
        assert (response.status_code, response.json()["code"]) == (409, "report_mismatch")
        mine = api(chan).get(f"/api/channel-reports/{reported.pk}/").json()
        assert mine["status"] == "invalid" and mine["end"]["code"] == "report_mismatch"
        assert "赵小敏" not in str(mine)

    def test_a_late_visit_is_a_409_report_lapsed(self, api, project, bob, clara, reported, clock):
        clock.move_to(datetime(2026, 3, 10, 0, 0, tzinfo=SH), tick=False)
        response = self.confirm(api(clara), reported, register(project, bob))
        assert (response.status_code, response.json()["code"]) == (409, "report_lapsed")

    def test_an_unknown_registration_is_a_400(self, api, clara, reported):
        response = api(clara).post(
            f"/api/channel-reports/{reported.pk}/confirm-visit/", {"registration": 999999}
        )
        assert (response.status_code, response.json()["code"]) == (400, "unknown_registration")


class TestSigning:
    def test_three_parties_sign_and_the_agent_sees_it_complete(
        self, api, project, chan, bob, clara, mike, clock
    ):
        made = report(project, chan)
        api(clara).post(
            f"/api/channel-reports/{made.pk}/confirm-visit/",
            {"registration": register(project, bob).pk},
        )
        response = api(chan).post(f"/api/channel-reports/{made.pk}/sign/")
        assert (response.status_code, response.json()["party"]) == (201, "agent")
        assert api(mike).post(f"/api/channel-reports/{made.pk}/sign/").json()["complete"]
        again = api(chan).post(f"/api/channel-reports/{made.pk}/sign/")
        assert (again.status_code, again.json()["code"]) == (409, "already_signed")
        mine = api(chan).get(f"/api/channel-reports/{made.pk}/").json()
        assert mine["confirmation"]["complete"] and mine["status"] == "confirmed"

    def test_signing_before_the_visit_is_confirmed_is_a_409(self, api, project, chan, clock):
        made = report(project, chan)
        response = api(chan).post(f"/api/channel-reports/{made.pk}/sign/")
        assert (response.status_code, response.json()["code"]) == (409, "not_confirmed")

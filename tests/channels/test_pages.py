"""The agent's portal and the front desk's 报备信息登记表."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels.confirmation import visit_confirm
from channels.models import ChannelReport
from channels.reporting import ReportRefused
from tests.channels.conftest import register, report

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def ids_in(response) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', html(response)))


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


class TestPortal:
    def test_an_agent_lands_on_their_portal(self, as_user, chan, clock):
        response = as_user(chan).get("/")
        assert response.status_code == 302 and response["Location"] == "/channel/HX01/"

    def test_the_form_shows_the_policys_phone_pattern(self, as_user, chan, clock):
        response = as_user(chan).get("/channel/")
        assert response.status_code == 200
        assert {"report-form", "phone-pattern", "no-reports"} <= ids_in(response)
        assert "138****8000" in html(response)
        assert 'data-nav="channel-portal"' in html(response)

    def test_an_agent_reports_from_the_portal_and_sees_the_countdown(self, as_user, chan, clock):
        client = as_user(chan)
        data = {"name": "赵敏", "gender": "F", "phone_visible": "138****8000"}
        response = client.post("/channel/HX01/report/", data, follow=True)
        made = ChannelReport.objects.get()
        assert made.status_at(made.entered_at) == "valid"
        page = html(response)
        assert 'data-status="valid"' in page and "138****8000" in page
        assert re.search(r'data-testid="countdown">\s*7', page)

    def test_a_mistyped_phone_is_said_next_to_the_field(self, as_user, chan, clock):
        response = as_user(chan).post(
            "/channel/HX01/report/", {"name": "赵敏", "gender": "F", "phone_visible": "1380013"}
        )
        assert response.status_code == 200
        assert "errors-phone_visible" in ids_in(response)
        assert 'value="1380013"' in html(response)  # what was typed is kept to be fixed
        assert ChannelReport.objects.get().refusal_code == "invalid_phone_visible"

    def test_a_refusal_by_the_sites_rules_is_a_message_and_the_report_is_listed(
        self, as_user, project, chan, dan, clock
    ):
        report(project, dan)
        data = {"name": "赵敏", "gender": "F", "phone_visible": "138****8000"}
        response = as_user(chan).post("/channel/HX01/report/", data, follow=True)
        page = html(response)
        assert 'data-status="refused"' in page and "flash-error" in page

    def test_an_agent_sees_only_their_own_reports(self, as_user, project, chan, dan, clock):
        report(project, dan, name="钱多", phone="139****9000")
        page = html(as_user(chan).get("/channel/HX01/"))
        assert "钱多" not in page and "139****9000" not in page

    def test_the_agent_signs_a_confirmed_visit(self, as_user, project, chan, bob, clara, clock):
        made = report(project, chan)
        visit_confirm(report=made, registration=register(project, bob), acting_user=clara)
        client = as_user(chan)
        assert "sign" in ids_in(client.get("/channel/HX01/"))
        client.post(f"/channel/HX01/reports/{made.pk}/sign/")
        signed = {s.party for s in made.confirmation.signatures.all()}
        assert signed == {"desk", "agent"}
        assert "sign" not in ids_in(client.get("/channel/HX01/"))

    @pytest.mark.parametrize("persona", ["alice", "clara", "mike"])
    def test_the_portal_is_the_agents_only(self, request, as_user, clock, persona):
        client = as_user(request.getfixturevalue(persona))
        assert client.get("/channel/HX01/").status_code == 403


class TestFrontDeskList:
    def test_the_clerk_confirms_with_one_of_the_days_matching_visits(
        self, as_user, project, chan, bob, clara, clock
    ):
        made = report(project, chan)
        visit = register(project, bob)
        register(project, bob, phone="13800138001", name="赵敏")  # other digits: not offered
        client = as_user(clara)
        page = client.get("/p/HX01/channel-reports/")
        options = re.findall(r'<option value="(\d+)"', html(page))
        assert options == [str(visit.pk)]
        assert 'data-nav="channel-reports"' in html(page)
        response = client.post(
            f"/p/HX01/channel-reports/{made.pk}/confirm/",
            {"registration": visit.pk, "status": "valid"},
        )
        assert response["Location"] == "/p/HX01/channel-reports/?status=valid"
        made.refresh_from_db()
        assert made.confirmation.registration == visit

    def test_no_matching_visit_says_so(self, as_user, project, chan, clara, clock):
        report(project, chan)
        assert "no-visit" in ids_in(as_user(clara).get("/p/HX01/channel-reports/"))

    def test_the_manager_signs_and_sees_the_marks(
        self, as_user, project, chan, dan, bob, clara, mike, clock
    ):
        made = report(project, chan)
        visit_confirm(report=made, registration=register(project, bob), acting_user=clara)
        client = as_user(mike)
        client.post(f"/p/HX01/channel-reports/{made.pk}/sign/", {"status": "confirmed"})
        assert {s.party for s in made.confirmation.signatures.all()} == {"desk", "manager"}
        page = html(client.get("/p/HX01/channel-reports/?status=confirmed"))
        assert page.count('data-testid="report-row"') == 1 and "张经理" in page

    def test_a_refused_report_shows_its_reason_and_a_skimming_flag(
        self, as_user, project, chan, alice, mike, clock
    ):
        register(project, alice, occurred_at=timezone.now() - timedelta(hours=1))
        with pytest.raises(ReportRefused):
            report(project, chan)
        response = as_user(mike).get("/p/HX01/channel-reports/?status=refused")
        assert {"report-reason", "skimming"} <= ids_in(response)

    def test_a_returning_site_customer_from_the_pool_is_marked(
        self, as_user, project, chan, alice, clara, clock
    ):
        clock.move_to(timezone.now() - timedelta(days=20), tick=False)
        register(project, alice)
        clock.move_to(timezone.now() + timedelta(days=20), tick=False)
        report(project, chan)
        response = as_user(clara).get("/p/HX01/channel-reports/")
        assert "returning-site-customer" in ids_in(response)

    @pytest.mark.parametrize("persona", ["alice", "chan"])
    def test_the_list_is_the_front_desks_and_managers(self, request, as_user, clock, persona):
        client = as_user(request.getfixturevalue(persona))
        assert client.get("/p/HX01/channel-reports/").status_code == 403

    def test_the_list_runs_a_constant_number_of_queries(
        self, as_user, project, chan, dan, bob, clara, clock
    ):
        client = as_user(clara)

        def page_queries():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/p/HX01/channel-reports/").status_code == 200
            return len(ctx.captured_queries)

        made = report(project, chan)
        visit_confirm(report=made, registration=register(project, bob), acting_user=clara)
        page_queries()
        few = page_queries()
        for n in range(8):
            report(project, dan, name=f"客户{n}", phone=f"139****{n:04d}")
            register(project, bob, phone=f"1390000{n:04d}", name=f"客户{n}")
        assert page_queries() == few

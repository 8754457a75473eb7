"""Discipline (§7): violations come only from rules and rulings, with the policy's amounts, once
per source; the monthly ledger over the API, as a page, and as an XLSX download."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from attribution.jobs import receptions_flag_unregistered
from attribution.models import Reception
from attribution.services import policy_version_create
from disputes.models import Violation
from disputes.violations import violation_record
from projects.models import ExportLog
from tests.disputes.conftest import DAY1, SH, register

pytestmark = pytest.mark.django_db


def ledger():
    return sorted((v.staff.username, v.kind, v.amount) for v in Violation.objects.all())


class TestHooks:
    def test_a_tampering_attempt_through_the_api_records_one(self, api, project, alice, clock):
        registration = register(alice, project, DAY1)
        response = api(alice).patch(
            f"/api/registrations/{registration.pk}/", {"name": "改名"}, format="json"
        )
        assert (response.status_code, response.json()["code"]) == (403, "ledger_immutable")
        assert ledger() == [("alice", "record_tampering", Decimal("300.00"))]
        api(alice).delete(f"/api/registrations/{registration.pk}/")
        assert len(ledger()) == 2  # each attempt is fined (每次罚款300元)

    def test_a_flagged_reception_records_one_however_often_the_job_runs(
        self, project, alice, clara
    ):
        Reception.objects.create(
            project=project,
            consultant=alice,
            received_at=DAY1,
            register_by=DAY1 + timedelta(hours=1),
            created_by=clara,
        )
        now = DAY1 + timedelta(hours=2)
        assert len(receptions_flag_unregistered(now=now)) == 1
        receptions_flag_unregistered(now=now)
        Reception.objects.update(flagged_at=None)  # even if flagged again, fined once
        receptions_flag_unregistered(now=now + timedelta(hours=1))
        assert ledger() == [("alice", "unregistered_reception", Decimal("200.00"))]
        assert Violation.objects.get().occurred_at == DAY1 + timedelta(hours=1)

    def test_a_late_entry_records_one_on_whoever_entered_it(self, project, alice, clara, clock):
        clock.move_to(DAY1 + timedelta(hours=30))
        register(alice, project, DAY1, acting_user=clara)
        register(alice, project, DAY1 + timedelta(hours=20), phone="13900139000", acting_user=clara)
        assert ledger() == [("clara", "late_entry", Decimal("20.00"))]

    def test_the_amount_is_the_policys_in_force_when_it_happened(self, project, alice, clock):
        clock.move_to(DAY1 - timedelta(days=2))
        policy_version_create(
            project=project,
            overrides={"penalties": {"poaching": "800"}},
            effective_at=DAY1 - timedelta(days=1),
        )
        violation_record(
            project=project, staff=alice, kind="poaching", occurred_at=DAY1, source="dispute:9"
        )
        assert ledger() == [("alice", "poaching", Decimal("800.00"))]


@pytest.fixture
def march(project, alice, bob, mike):
    """Three violations in March (Shanghai time), one on the first of April at 00:30."""
    for staff, kind, when, source in (
        (alice, "late_entry", datetime(2026, 3, 1, 0, 10, tzinfo=SH), "registration:1"),
        (alice, "poaching", datetime(2026, 3, 15, 12, 0, tzinfo=SH), "dispute:1"),
        (bob, "unregistered_reception", datetime(2026, 3, 31, 23, 0, tzinfo=SH), "reception:1"),
        (bob, "late_entry", datetime(2026, 4, 1, 0, 30, tzinfo=SH), "registration:2"),
    ):
        violation_record(project=project, staff=staff, kind=kind, occurred_at=when, source=source)


class TestLedgerApi:
    def test_a_manager_reads_a_months_entries_and_totals(self, api, march, mike):
        response = api(mike).get("/api/violations/?project=HX01&month=2026-03")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert [(e["staff"]["username"], e["kind"], e["amount"]) for e in body["results"]] == [
            ("alice", "late_entry", "20.00"),
            ("alice", "poaching", "1000.00"),
            ("bob", "unregistered_reception", "200.00"),
        ]
        assert body["totals"] == [
            {"staff": {"username": "alice", "name": "王芳"}, "count": 2, "amount": "1020.00"},
            {"staff": {"username": "bob", "name": "李强"}, "count": 1, "amount": "200.00"},
        ]
        assert (body["month"], body["total"]) == ("2026-03", "1220.00")
        assert body["entries"] == body["results"]

    def test_only_managers_and_a_month_written_like_2026_03(self, api, march, alice, mike):
        refused = api(alice).get("/api/violations/?project=HX01&month=2026-03")
        assert (refused.status_code, refused.json()["code"]) == (403, "not_permitted")
        bad = api(mike).get("/api/violations/?project=HX01&month=2026-13")
        assert (bad.status_code, bad.json()["code"]) == (400, "invalid_month")


class TestReportPage:
    def test_a_manager_sees_everyone_and_a_consultant_only_themself(
        self, client, march, mike, alice
    ):
        client.force_login(mike)
        html = client.get("/p/HX01/violations/?month=2026-03").content.decode()
        assert html.count('data-testid="violation-row"') == 3
        assert 'data-testid="export"' in html
        client.force_login(alice)
        html = client.get("/p/HX01/violations/?month=2026-03").content.decode()
        assert html.count('data-testid="violation-row"') == 2
        assert 'data-staff="bob"' not in html and 'data-testid="export"' not in html

    def test_a_clerk_may_not_see_it(self, client, march, clara):
        client.force_login(clara)
        assert client.get("/p/HX01/violations/").status_code == 403

    def test_the_page_runs_a_constant_number_of_queries(
        self, client, project, march, mike, django_assert_max_num_queries
    ):
        client.force_login(mike)
        client.get("/p/HX01/violations/?month=2026-03")
        with django_assert_max_num_queries(20) as few:
            client.get("/p/HX01/violations/?month=2026-03")
        for n in range(5):
            violation_record(
                project=project,
                staff=mike,
                kind="uncooperative",
                occurred_at=datetime(2026, 3, 10, tzinfo=SH),
                source=f"test:{n}",
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/p/HX01/violations/?month=2026-03")

    def test_the_xlsx_export_is_for_managers_and_logged(self, client, march, mike, alice):
        client.force_login(mike)
        response = client.get("/p/HX01/violations/export.xlsx?month=2026-03")
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][:4] == ("2026-03-01 00:10", "王芳", "Late entry", 20)
        assert ExportLog.objects.get().params == {"month": "2026-03"}
        client.force_login(alice)
        assert client.get("/p/HX01/violations/export.xlsx?month=2026-03").status_code == 403

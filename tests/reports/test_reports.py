"""The office's reports: every figure equals a count made by hand from the known office of
tests/reports/report_data.py; each page runs the same number of queries for a small and a large
office; who may read and export what; the JSON API and the XLSX exports."""

import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from orders.balances import item_balances
from projects.models import ExportLog
from reports.daily import daily_report
from reports.funnel import funnel_report
from reports.overdue import overdue_report
from reports.periods import Period, day_period, month_period, period_from
from reports.sales import sales_report
from reports.visits import source_report, visit_call_sheet
from salesoffice.errors import DomainError
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory
from tests.reports.report_data import (
    at,
    build_march,
    deal,
    grow,
    pay,
    sign,
    visit,
)

pytestmark = pytest.mark.django_db
MAR2 = date(2026, 3, 2)
MARCH = month_period(date(2026, 3, 1))
D = Decimal


@pytest.fixture
def office(project, alice, bob, clara, mike, time_machine):
    time_machine.move_to(at(2, 1), tick=False)
    built = build_march(project, alice, bob, clara, mike, time_machine)
    # Another project's figures never leak into HX01's.
    other = ProjectFactory(code="QT02", name="其他项目")
    stranger = UserFactory(username="zoe", role="consultant", project=other)
    customer = CustomerFactory(project=other)
    visit(customer, stranger, at(3, 2, 11), source="网络")
    deal(other, customer, stranger, at(3, 2, 12))
    return built


def figures(tally) -> tuple:
    return (tally.visits, tally.calls, tally.new_customers)


class TestTheVisitAndCallSheet:
    def test_each_consultants_visits_calls_and_new_customers_of_the_day(self, project, office):
        sheet = visit_call_sheet(project=project, day=MAR2)
        by_name = {t.key: figures(t) for t in sheet.by_consultant}
        assert by_name == {"alice": (3, 1, 2), "bob": (1, 1, 2)}
        assert figures(sheet.totals) == (4, 2, 4)
        assert (sheet.invalid, sheet.voided) == (1, 1)

    def test_every_registration_of_the_local_day_is_listed_in_time_order(self, project, office):
        sheet = visit_call_sheet(project=project, day=MAR2)
        times = [line.registration.occurred_at.astimezone(project.tzinfo) for line in sheet.lines]
        assert [t.strftime("%H:%M") for t in times] == [
            "09:30",
            "10:15",
            "10:30",
            "11:00",
            "14:00",
            "16:00",
            "17:00",
        ]
        assert [line.voided for line in sheet.lines][-1] is True
        assert [line.new_customer for line in sheet.lines] == [
            True,
            False,
            True,
            True,
            False,
            True,
            False,
        ]

    def test_by_source_the_given_words_trimmed_and_blank_as_not_given(self, project, office):
        sheet = visit_call_sheet(project=project, day=MAR2)
        assert {t.key: figures(t) for t in sheet.by_source} == {
            "自然来访": (2, 0, 1),
            "朋友介绍": (1, 0, 0),
            "网络": (0, 2, 2),
            "": (1, 0, 1),
        }

    def test_by_hour_of_the_office_day(self, project, office):
        hours = {
            t.label: (t.visits, t.calls)
            for t in visit_call_sheet(project=project, day=MAR2).by_hour
        }
        assert hours["09:00"] == (1, 0)
        assert hours["10:00"] == (1, 1)
        assert hours["11:00"] == (0, 1)
        assert hours["17:00"] == (0, 0)  # the voided visit
        assert (min(hours), max(hours)) == ("08:00", "20:00")

    def test_the_days_around_belong_to_their_own_local_day(self, project, office):
        first = visit_call_sheet(project=project, day=date(2026, 3, 1))
        third = visit_call_sheet(project=project, day=date(2026, 3, 3))
        assert [figures(t) for t in first.by_consultant] == [(1, 0, 1)]
        assert [(t.key, figures(t)) for t in third.by_consultant] == [("bob", (1, 0, 1))]


class TestTheConsultantsDailyReport:
    def test_a_day_per_consultant(self, project, office):
        report = daily_report(project=project, period=day_period(MAR2))
        rows = {
            row.username: (
                row.visits,
                row.calls,
                row.new_customers,
                row.follow_ups,
                row.subscriptions,
                row.contracts,
            )
            for row in report.rows
        }
        # S2 was cancelled (not counted); C0 is alice's contract from her February deal.
        assert rows == {
            "alice": (3, 1, 2, 2, 1, 1),
            "bob": (1, 1, 2, 1, 0, 0),
            "mike": (0, 0, 0, 0, 0, 0),  # a single day lists everyone who receives customers
        }

    def test_a_month_per_day_and_consultant_with_the_months_totals(self, project, office):
        report = daily_report(project=project, period=MARCH)
        days = {
            (row.day.day, row.username): (row.visits, row.new_customers, row.follow_ups)
            for row in report.rows
        }
        assert days == {
            (1, "alice"): (1, 1, 0),
            (2, "alice"): (3, 2, 2),
            (2, "bob"): (1, 2, 1),
            (3, "bob"): (1, 1, 1),
        }
        totals = {
            t.username: (
                t.visits,
                t.calls,
                t.new_customers,
                t.follow_ups,
                t.subscriptions,
                t.contracts,
            )
            for t in report.totals
        }
        # bob's S3 ended with its cancelled contract C3: neither counts.
        assert totals == {
            "alice": (4, 1, 3, 2, 1, 1),
            "bob": (2, 1, 3, 2, 0, 0),
            "mike": (0, 0, 0, 0, 0, 0),
        }
        grand = report.grand
        assert (grand.visits, grand.calls, grand.new_customers, grand.follow_ups) == (6, 2, 6, 4)
        assert (grand.subscriptions, grand.contracts) == (1, 1)


class TestVisitsBySource:
    def test_the_months_visits_calls_and_new_customers_per_source(self, project, office):
        report = source_report(project=project, period=MARCH)
        assert {t.key: figures(t) for t in report.sources} == {
            "自然来访": (3, 0, 2),
            "网络": (1, 2, 3),
            "朋友介绍": (1, 0, 0),
            "": (1, 0, 1),
        }
        assert figures(report.totals) == (6, 2, 6)
        assert report.sources[0].key == "网络"  # the largest first


class TestTheFunnel:
    def test_customers_per_current_stage(self, project, office):
        report = funnel_report(project=project, period=MARCH)
        assert {s.stage: s.customers for s in report.stages} == {
            "potential": 3,
            "intent": 2,
            "negotiating": 0,
            "closed": 1,
            "lost": 2,
        }
        assert report.customers == 8

    def test_the_periods_moves_into_and_out_of_each_stage(self, project, office):
        report = funnel_report(project=project, period=MARCH)
        assert {s.stage: (s.entered, s.left) for s in report.stages} == {
            "potential": (0, 4),
            "intent": (2, 1),
            "negotiating": (1, 1),
            "closed": (1, 0),
            "lost": (3, 1),
        }
        assert {(t.from_stage, t.to_stage): t.moves for t in report.transitions} == {
            ("potential", "intent"): 1,
            ("intent", "negotiating"): 1,
            ("negotiating", "closed"): 1,
            ("potential", "lost"): 3,
            ("lost", "intent"): 1,
        }
        assert report.lost_reasons == [("预算不足", 2), ("已购竞品", 1)]

    def test_februarys_move_is_februarys(self, project, office):
        february = funnel_report(project=project, period=month_period(date(2026, 2, 1)))
        assert [(t.from_stage, t.to_stage, t.moves) for t in february.transitions] == [
            ("potential", "intent", 1)
        ]


class TestSalesAndCollections:
    @pytest.fixture
    def report(self, project, office):
        return sales_report(
            project=project, period=period_from({"from": "2026-01", "to": "2026-04"}, MARCH)
        )

    def test_each_months_deals_not_counting_cancelled_ones(self, report):
        deals = [
            (
                m.month.month,
                m.subscriptions,
                m.subscription_amount,
                m.deposits,
                m.cancelled,
                m.contracts,
                m.contract_amount,
            )
            for m in report.months
        ]
        assert deals == [
            (1, 1, D("1000000.00"), D("50000.00"), 0, 1, D("1000000.00")),
            (2, 2, D("2800000.00"), D("200000.00"), 0, 1, D("800000.00")),
            (3, 1, D("1200000.00"), D("50000.00"), 2, 1, D("2000000.00")),
            (4, 1, D("700000.00"), D("50000.00"), 0, 0, D("0.00")),
        ]

    def test_each_months_collections_are_payments_less_refunds_by_local_day(self, report):
        money = [(m.month.month, m.received, m.refunded, m.collected) for m in report.months]
        assert money == [
            (1, D("450000.00"), D("0.00"), D("450000.00")),
            (2, D("0.00"), D("0.00"), D("0.00")),
            # 31 March 23:30 in Shanghai is March; 1 April 00:10 is April.
            (3, D("1000000.00"), D("200000.00"), D("800000.00")),
            (4, D("200000.00"), D("0.00"), D("200000.00")),
        ]

    def test_the_totals(self, report):
        total = report.total
        assert (total.subscriptions, total.subscription_amount, total.cancelled) == (
            5,
            D("5700000.00"),
            2,
        )
        assert (total.contracts, total.contract_amount) == (3, D("3800000.00"))
        assert (total.received, total.refunded, total.collected) == (
            D("1650000.00"),
            D("200000.00"),
            D("1450000.00"),
        )
        assert all(isinstance(value, Decimal) for value in (total.collected, total.deposits))


class TestOverduePayments:
    def items(self, report):
        return [(i.contract_number, i.sequence, i.unpaid, i.days) for i in report.items]

    def test_items_past_due_not_covered_by_payments_in_due_order(self, project, office):
        report = overdue_report(project=project, day=date(2026, 4, 20))
        k = office.contracts
        assert self.items(report) == [
            (k["C5"].number, 2, D("500000.00"), 64),
            (k["C6"].number, 2, D("200000.00"), 50),  # due before item 1: paid first
            (k["C0"].number, 2, D("500000.00"), 10),
        ]
        assert (report.total.items, report.total.contracts, report.total.amount) == (
            3,
            3,
            D("1200000.00"),
        )
        assert [(b.key, b.items, b.amount) for b in report.buckets] == [
            ("1-30", 1, D("500000.00")),
            ("31-60", 1, D("200000.00")),
            ("61-90", 1, D("500000.00")),
            ("90+", 0, D("0.00")),
        ]
        line = report.items[0]
        assert (line.customer_name, line.consultant, line.label) == ("客户G", "李强", "第2期")

    def test_as_of_an_earlier_day_only_the_payments_made_by_then_count(self, project, office):
        k = office.contracts
        march20 = overdue_report(project=project, day=date(2026, 3, 20))
        assert self.items(march20) == [
            (k["C5"].number, 2, D("500000.00"), 33),
            (k["C6"].number, 2, D("300000.00"), 19),
            (k["C0"].number, 1, D("300000.00"), 10),
        ]
        # The 23:30 payment of 31 March counts on that local day; C3 was cancelled by then.
        march31 = overdue_report(project=project, day=date(2026, 3, 31))
        assert self.items(march31) == [
            (k["C5"].number, 2, D("500000.00"), 44),
            (k["C6"].number, 2, D("300000.00"), 30),
        ]

    def test_agrees_with_the_contract_balances_of_orders_balances(self, project, office):
        report = overdue_report(project=project, day=date(2026, 4, 20))
        for contract in office.contracts.values():
            expected = {
                b.sequence: b.outstanding
                for b in item_balances(contract)
                if b.due < date(2026, 4, 20) and b.outstanding > 0
            }
            found = {i.sequence: i.unpaid for i in report.items if i.contract_id == contract.pk}
            if hasattr(contract, "cancellation"):
                assert found == {}
            else:
                assert found == expected

    def test_a_fully_paid_contract_is_not_overdue(self, project, office, alice):
        customer = CustomerFactory(project=project)
        contract = sign(
            deal(project, customer, alice, at(1, 2)), at(1, 3), [(date(2026, 1, 5), "1200000.00")]
        )
        pay(contract, "1150000.00", at(1, 4))
        numbers = {
            i.contract_number for i in overdue_report(project=project, day=date(2026, 4, 20)).items
        }
        assert contract.number not in numbers


class TestPeriods:
    def test_day_month_or_from_to_and_the_default(self):
        default = day_period(MAR2)
        assert period_from({}, default) == default
        assert period_from({"day": "2026-03-05"}, default) == Period(
            date(2026, 3, 5), date(2026, 3, 5)
        )
        assert period_from({"month": "2026-02"}, default) == Period(
            date(2026, 2, 1), date(2026, 2, 28)
        )
        assert period_from({"from": "2026-01", "to": "2026-03"}, default) == Period(
            date(2026, 1, 1), date(2026, 3, 31)
        )
        assert period_from({"from": "2026-03-01", "to": "2026-03-10"}, default).days == 10

    @pytest.mark.parametrize(
        ("params", "code"),
        [
            ({"day": "2026-02-30"}, "invalid_date"),
            ({"day": "tomorrow"}, "invalid_date"),
            ({"month": "2026-13"}, "invalid_month"),
            ({"from": "2026-03-10", "to": "2026-03-01"}, "invalid_period"),
            ({"from": "2024-01", "to": "2026-03"}, "period_too_long"),
        ],
    )
    def test_refusals_have_a_code(self, params, code):
        with pytest.raises(DomainError) as refused:
            period_from(params, day_period(MAR2))
        assert refused.value.code == code


# -- the pages ----------------------------------------------------------------------------------

PAGES = {
    "visits-calls": "?day=2026-03-02",
    "daily": "?month=2026-03",
    "sources": "?month=2026-03",
    "funnel": "?month=2026-03",
    "sales": "?from=2026-01&to=2026-04",
    "overdue": "?day=2026-04-20",
}


def url(name, query="", code="HX01", export=False):
    return f"/p/{code}/reports/{name}/{'export.xlsx' if export else ''}{query}"


def text_of(html: str, name: str) -> str:
    """The text of the element with that data-testid (first one)."""
    found = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert found, f"no {name}"
    return found.group(1).strip()


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


class TestThePagesShowTheFigures:
    def test_the_sheet(self, as_user, mike, office):
        html = as_user(mike).get(url("visits-calls", PAGES["visits-calls"])).content.decode()
        assert [
            text_of(html, f"kpi-{k}")
            for k in ("visits", "calls", "new-customers", "invalid", "voided")
        ] == ["4", "2", "4", "1", "1"]
        assert html.count('data-testid="sheet-line"') == 7
        assert 'data-chart="by_hour"' in html and 'id="chart-data"' in html

    def test_the_daily_report(self, as_user, mike, office):
        html = as_user(mike).get(url("daily", PAGES["daily"])).content.decode()
        assert [
            text_of(html, f"kpi-{k}")
            for k in (
                "visits",
                "calls",
                "new-customers",
                "follow-ups",
                "subscriptions",
                "contracts",
            )
        ] == ["6", "2", "6", "4", "1", "1"]

    def test_the_sources(self, as_user, mike, office):
        html = as_user(mike).get(url("sources", PAGES["sources"])).content.decode()
        assert [
            text_of(html, f"kpi-{k}") for k in ("visits", "calls", "new-customers", "sources")
        ] == ["6", "2", "6", "4"]

    def test_the_funnel(self, as_user, mike, office):
        html = as_user(mike).get(url("funnel", PAGES["funnel"])).content.decode()
        stages = ("potential", "intent", "negotiating", "closed", "lost")
        assert [text_of(html, f"funnel-{s}") for s in stages] == ["3", "2", "0", "1", "2"]
        assert [text_of(html, f"moved-in-{s}") for s in stages] == ["0", "2", "1", "1", "3"]

    def test_sales_and_collections(self, as_user, mike, office):
        html = as_user(mike).get(url("sales", PAGES["sales"])).content.decode()
        assert text_of(html, "sales-subscription-amount") == "¥5,700,000.00"
        assert text_of(html, "sales-contract-amount") == "¥3,800,000.00"
        assert text_of(html, "sales-collected") == "¥1,450,000.00"
        assert html.count('data-testid="sales-month"') == 4

    def test_overdue_payments(self, as_user, mike, office):
        html = as_user(mike).get(url("overdue", PAGES["overdue"])).content.decode()
        assert text_of(html, "overdue-amount") == "¥1,200,000.00"
        assert (text_of(html, "overdue-items"), text_of(html, "overdue-contracts")) == ("3", "3")

    def test_without_a_filter_today_or_this_month_in_the_projects_zone(
        self, as_user, mike, office, time_machine, chinese
    ):
        time_machine.move_to(at(3, 2, 0, 30), tick=False)  # still 1 March in UTC
        html = as_user(mike).get(url("visits-calls")).content.decode()
        assert text_of(html, "kpi-visits") == "4"
        assert text_of(html, "period-label") == "2026年3月2日"

    @pytest.mark.parametrize(
        "query", ["?day=2026-02-30", "?month=2026-13", "?from=2026-03&to=2026-01"]
    )
    def test_a_bad_filter_says_so_and_shows_the_default(self, as_user, mike, office, query):
        response = as_user(mike).get(url("daily", query))
        assert response.status_code == 200
        assert 'data-testid="messages"' in response.content.decode()


class TestWhoReadsWhat:
    @pytest.mark.parametrize(
        ("who", "readable"),
        [
            ("mike", {"visits-calls", "daily", "sources", "funnel", "sales", "overdue"}),
            ("clara", {"visits-calls", "sources"}),
            ("fiona", {"sales", "overdue"}),
            ("alice", set()),
        ],
    )
    def test_each_role_reads_its_reports_and_no_other(
        self, request, as_user, project, who, readable
    ):
        client = as_user(request.getfixturevalue(who))
        found = {name for name in PAGES if client.get(url(name)).status_code == 200}
        refused = {name for name in PAGES if client.get(url(name)).status_code == 403}
        assert found == readable
        assert refused == set(PAGES) - readable

    @pytest.mark.parametrize("who", ["clara", "fiona", "alice"])
    def test_only_a_manager_exports(self, request, as_user, project, who):
        client = as_user(request.getfixturevalue(who))
        assert {client.get(url(name, export=True)).status_code for name in PAGES} == {403}
        assert not ExportLog.objects.exists()

    def test_another_projects_reports_are_not_found(self, as_user, mike, office):
        assert as_user(mike).get(url("sales", code="QT02")).status_code == 404

    def test_the_reports_index_lists_what_the_role_reads(self, as_user, clara, project):
        html = as_user(clara).get("/p/HX01/reports/").content.decode()
        assert set(re.findall(r'data-report="([a-z-]+)"', html)) == {
            "visits-calls",
            "sources",
        }


class TestExports:
    def rows(self, response):
        return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))

    def test_sales_with_money_as_numbers_of_two_decimals_and_logged(self, as_user, mike, office):
        response = as_user(mike).get(url("sales", PAGES["sales"], export=True))
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="sales-HX01-2026-01-01-2026-04-30.xlsx"'
        )
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[3][:3] == ("2026-03", 1, 1200000)
        assert rows[-1][9] == 1450000
        assert sheet.cell(row=4, column=3).number_format == "#,##0.00"
        log = ExportLog.objects.get()
        assert (log.what, log.user, log.params, log.rows) == (
            "report-sales",
            mike,
            {"from": "2026-01-01", "to": "2026-04-30"},
            5,
        )

    def test_the_sheet_lists_every_registration_of_the_day(self, as_user, mike, office):
        rows = self.rows(as_user(mike).get(url("visits-calls", PAGES["visits-calls"], export=True)))
        assert len(rows) == 1 + 7
        assert rows[1][0] == "09:30" and rows[1][3] == "客户A"

    @pytest.mark.parametrize("name", list(PAGES))
    def test_every_report_exports(self, as_user, mike, office, name):
        response = as_user(mike).get(url(name, PAGES[name], export=True))
        assert response.status_code == 200
        assert len(self.rows(response)) > 1

    def test_overdue_money_columns(self, as_user, mike, office):
        response = as_user(mike).get(url("overdue", PAGES["overdue"], export=True))
        rows = self.rows(response)
        assert [row[6] for row in rows[1:4]] == [500000, 200000, 500000]
        assert rows[-1][6] == 1200000


class TestTheApi:
    def test_money_travels_as_strings(self, api, mike, office):
        body = (
            api(mike)
            .get("/api/reports/sales/", {"project": "HX01", "from": "2026-03", "to": "2026-03"})
            .json()
        )
        assert body["months"] == [
            {
                "month": "2026-03",
                "subscriptions": 1,
                "cancelled": 2,
                "contracts": 1,
                "subscription_amount": "1200000.00",
                "deposits": "50000.00",
                "contract_amount": "2000000.00",
                "received": "1000000.00",
                "refunded": "200000.00",
                "collected": "800000.00",
            }
        ]

    def test_the_funnel_and_overdue(self, api, mike, office):
        client = api(mike)
        funnel = client.get("/api/reports/funnel/", {"project": "HX01", "month": "2026-03"}).json()
        assert {s["stage"]: s["customers"] for s in funnel["stages"]}["closed"] == 1
        overdue = client.get(
            "/api/reports/overdue/", {"project": "HX01", "day": "2026-04-20"}
        ).json()
        assert overdue["total"] == {"items": 3, "contracts": 3, "amount": "1200000.00"}

    def test_the_sheet_for_a_clerk(self, api, clara, office):
        body = (
            api(clara)
            .get("/api/reports/visits-calls/", {"project": "HX01", "day": "2026-03-02"})
            .json()
        )
        assert body["totals"] == {
            "visits": 4,
            "calls": 2,
            "new_customers": 4,
            "invalid": 1,
            "voided": 1,
        }
        assert len(body["registrations"]) == 7

    @pytest.mark.parametrize(
        ("who", "name", "params", "status", "code"),
        [
            ("alice", "visits-calls", {}, 403, "not_permitted"),
            ("clara", "sales", {}, 403, "not_permitted"),
            ("mike", "nonsense", {}, 404, "unknown_report"),
            ("mike", "daily", {"day": "2026-02-30"}, 400, "invalid_date"),
            ("mike", "daily", {"from": "2026-03-10", "to": "2026-03-01"}, 400, "invalid_period"),
            ("mike", "sales", {"from": "2020-01", "to": "2026-03"}, 400, "period_too_long"),
            ("chan", "sales", {}, 403, "not_permitted"),
        ],
    )
    def test_refusals(self, request, api, project, who, name, params, status, code):
        response = api(request.getfixturevalue(who)).get(
            f"/api/reports/{name}/", {"project": "HX01", **params}
        )
        assert (response.status_code, response.json()["code"]) == (status, code)


class TestConstantQueries:
    """Each page costs the same number of queries for a small office and a large one."""

    def count(self, client, path) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def test_every_report_page_and_export(self, as_user, project, alice, bob, clara, mike, office):
        client = as_user(mike)
        paths = [url(name, query) for name, query in PAGES.items()]
        paths += [url(name, query, export=True) for name, query in PAGES.items()]
        for path in paths:
            client.get(path)  # warm the caches the first request fills (roles, session)
        small = {path: self.count(client, path) for path in paths}
        for when in (at(3, 2, 18), at(3, 20, 18), at(4, 19, 18)):
            grow(project, [alice, bob], clara, mike, when, n=8)
        large = {path: self.count(client, path) for path in paths}
        assert large == small


def test_days_and_months_are_the_projects_own(alice, time_machine):
    """A New York office: 23:30 on 2 March there is 3 March in UTC and in Shanghai."""

    ny = ZoneInfo("America/New_York")
    project = ProjectFactory(code="NY01", timezone="America/New_York")
    late = datetime(2026, 3, 31, 23, 30, tzinfo=ny)
    customer = CustomerFactory(project=project)
    RegistrationFactory(customer=customer, consultant=alice, occurred_at=late)
    deal(project, customer, alice, late)
    assert visit_call_sheet(project=project, day=date(2026, 3, 31)).totals.visits == 1
    months = sales_report(
        project=project, period=period_from({"from": "2026-03", "to": "2026-04"}, MARCH)
    ).months
    assert [m.subscriptions for m in months] == [1, 0]

"""The manager's dashboard (UX.md §7): today's contacts by consultant, the rotation's fairness,
walk-ins not registered in time, claims lapsing within a day, disputes waiting; this month's
funnel, sales and collections, violations. Each figure against a count by hand; the same
number of queries for a small and a large office; managers only; their landing page. And the
managers' daily summary (DOMAIN.md §10)."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.models import HouseholdState, Reception, RosterEntry
from customers.models import Stage
from disputes.models import Dispute, DisputeState, Violation
from projects.models import Notification
from projects.notification_texts import render
from reports.dashboard import dashboard
from reports.jobs import daily_summaries_send
from tests.factories import CustomerFactory, ProjectFactory, RegistrationFactory, UserFactory
from tests.reports.report_data import at, deal, grow, move, pay, sign, void

pytestmark = pytest.mark.django_db
NOW = at(3, 2, 15)
TODAY = date(2026, 3, 2)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def household_state(customer, owner, status="active", expires_in=None):
    return HouseholdState.objects.create(
        household=customer.household,
        project=customer.project,
        owner=owner,
        status=status,
        expires_at=NOW + expires_in if expires_in is not None else None,
        computed_at=NOW,
    )


def dispute(customer, claimant, owner, state):
    return Dispute.objects.create(
        project=customer.project,
        household=customer.household,
        customer=customer,
        claimant=claimant,
        owner_at_opening=owner,
        opened_by=claimant,
        opened_at=NOW - timedelta(days=2),
        reason="撞单",
        attribution_at_opening={},
        state=state,
    )


def violation(project, staff, amount, when, source):
    return Violation.objects.create(
        project=project,
        staff=staff,
        kind="late_entry",
        amount=Decimal(amount),
        occurred_at=when,
        source=source,
        entered_at=when,
    )


def reception(project, consultant, received_at, clerk, registered_after=None):
    """A walk-in; with ``registered_after`` its registration is entered that long after."""
    walk_in = Reception.objects.create(
        project=project,
        consultant=consultant,
        received_at=received_at,
        register_by=received_at + timedelta(minutes=60),
        created_by=clerk,
    )
    if registered_after is not None:
        RegistrationFactory(
            customer=CustomerFactory(project=project),
            consultant=consultant,
            occurred_at=received_at,
            entered_at=received_at + registered_after,
            reception=walk_in,
        )
    return walk_in


@pytest.fixture
def today(project, alice, bob, clara, mike, clock):
    """2 March 2026, 15:00 in Shanghai.

    Today: alice receives two walk-ins (09:00 registered in 10 minutes, 11:00 never registered)
    and takes a call; bob receives one at 10:00 registered after 2 hours (late). Registrations
    today (the unregistered walk-in has none): alice 1 visit + 1 call, bob 1 visit.
    Claims: alice's lapses in 5 hours, bob's in 23 h 59 min (both within a day); another of
    alice's in 30 hours, one already lapsed an hour ago, one in the pool (none of these).
    Disputes: open, reviewed, appealed (waiting: 3); ruled and final (done); one in another project.
    This month: a subscription on 1 March (1,000,000.00) with its contract signed 2 March and
    300,000.00 paid on 2 March; 50,000.00 paid in February (not this month). Violations: 20.00
    and 100.00 in March, 500.00 in February. Stages: one customer moved to intent on 2 March.
    """
    for position, (who, received) in enumerate(((alice, 2), (bob, 1)), start=1):
        RosterEntry.objects.create(
            project=project, date=TODAY, consultant=who, position=position, received=received
        )
    reception(project, alice, at(3, 2, 9), clara, registered_after=timedelta(minutes=10))
    reception(project, alice, at(3, 2, 11), clara)
    reception(project, bob, at(3, 2, 10), clara, registered_after=timedelta(hours=2))
    RegistrationFactory(
        customer=CustomerFactory(project=project),
        consultant=alice,
        occurred_at=at(3, 2, 13),
        kind="call",
    )

    owned = [CustomerFactory(project=project, name=f"业主{i}") for i in range(5)]
    household_state(owned[0], alice, expires_in=timedelta(hours=5))
    household_state(owned[1], bob, expires_in=timedelta(hours=23, minutes=59))
    household_state(owned[2], alice, expires_in=timedelta(hours=30))
    household_state(owned[3], alice, expires_in=-timedelta(hours=1))
    household_state(owned[4], None, status="pool")

    for state in (DisputeState.OPEN, DisputeState.REVIEWED, DisputeState.APPEALED):
        dispute(owned[0], bob, alice, state)
    for state in (DisputeState.RULED, DisputeState.FINAL):
        dispute(owned[1], alice, bob, state)
    other = ProjectFactory(code="QT02")
    stranger = UserFactory(username="zoe", role="consultant", project=other)
    dispute(CustomerFactory(project=other), stranger, stranger, DisputeState.OPEN)

    buyer = owned[2]
    contract = sign(
        deal(project, buyer, alice, at(3, 1), price="1000000.00"),
        at(3, 2, 11),
        [(date(2026, 4, 1), "1000000.00")],
    )
    pay(contract, "300000.00", at(3, 2, 12))
    pay(contract, "50000.00", at(2, 27))
    violation(project, alice, "20.00", at(3, 1), "t:1")
    violation(project, bob, "100.00", at(3, 2), "t:2")
    violation(project, bob, "500.00", at(2, 20), "t:3")
    move(clock, at(3, 2, 14), owned[3], Stage.INTENT, mike)
    clock.move_to(NOW, tick=False)
    return owned


class TestTheFigures:
    def test_today(self, project, today):
        board = dashboard(project=project, now=NOW)
        activity = {a.username: (a.visits, a.calls) for a in board.activity.rows}
        assert activity == {"alice": (1, 1), "bob": (1, 0), "mike": (0, 0)}
        assert (board.activity.grand.visits, board.activity.grand.calls) == (2, 1)
        fairness = {
            r.username: (r.turns, r.receptions, r.unregistered) for r in board.fairness.rows
        }
        assert fairness == {"alice": (2, 2, 1), "bob": (1, 1, 1)}
        assert [(r.reception.consultant.username, r.status) for r in board.unregistered] == [
            ("bob", "late"),
            ("alice", "unregistered"),
        ]

    def test_claims_lapsing_within_a_day_soonest_first(self, project, today):
        board = dashboard(project=project, now=NOW)
        assert board.lapsing.count == 2
        assert [(s.customer_name, s.owner.username) for s in board.lapsing.items] == [
            ("业主0", "alice"),
            ("业主1", "bob"),
        ]

    def test_disputes_waiting_for_a_ruling(self, project, today):
        board = dashboard(project=project, now=NOW)
        assert board.disputes.count == 3
        assert {d.state for d in board.disputes.items} == {"open", "reviewed", "appealed"}

    def test_this_month(self, project, today):
        board = dashboard(project=project, now=NOW)
        assert board.month == date(2026, 3, 1)
        assert {s.stage: s.customers for s in board.funnel.stages}["intent"] == 1
        assert board.funnel.stage("intent").entered == 1
        sales = board.sales
        assert (sales.subscriptions, sales.subscription_amount) == (1, Decimal("1000000.00"))
        assert (sales.contracts, sales.contract_amount) == (1, Decimal("1000000.00"))
        assert sales.collected == Decimal("300000.00")
        assert (len(board.violations.entries), board.violations.total) == (2, Decimal("120.00"))


def text_of(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', html)
    assert found, f"no {name}"
    return found.group(1).strip()


class TestThePage:
    def test_the_numbers_and_the_charts(self, client, mike, today):
        client.force_login(mike)
        html = client.get("/p/HX01/dashboard/").content.decode()
        expected = {
            "today-visits": "2",
            "today-calls": "1",
            "today-unregistered": "2",
            "today-lapsing": "2",
            "today-disputes": "3",
            "funnel-intent": "1",
            "funnel-closed": "0",
            "month-subscription-amount": "¥1,000,000.00",
            "month-contract-amount": "¥1,000,000.00",
            "month-collected": "¥300,000.00",
            "month-violations": "2",
            "month-violations-amount": "¥120.00",
        }
        assert {name: text_of(html, name) for name in expected} == expected
        assert html.count('data-testid="lapsing-claim"') == 2
        assert html.count('data-testid="waiting-dispute"') == 3
        charts = json.loads(re.search(r'id="chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
        assert set(charts) == {"today", "fairness", "funnel", "money", "violations"}
        assert set(re.findall(r'data-chart="(\w+)"', html)) == set(charts)
        assert charts["money"]["datasets"][0]["data"] == ["1000000.00", "1000000.00", "300000.00"]
        assert "vendor/chartjs/chart.umd.min.js" in html

    @pytest.mark.parametrize("who", ["alice", "clara", "fiona"])
    def test_managers_only(self, request, client, project, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get("/p/HX01/dashboard/").status_code == 403

    def test_a_manager_lands_on_it_and_finds_it_in_the_navigation(self, client, project, mike):
        client.force_login(mike)
        assert client.get("/").url == "/p/HX01/dashboard/"
        html = client.get("/p/HX01/dashboard/").content.decode()
        assert 'data-nav="dashboard"' in html and 'data-nav="reports"' in html

    def test_pages_without_charts_do_not_load_the_chart_library(self, client, project, mike):
        client.force_login(mike)
        assert "chartjs" not in client.get("/p/HX01/desk/").content.decode()

    def test_constant_queries_whatever_the_size(
        self, client, project, alice, bob, clara, mike, today
    ):
        client.force_login(mike)
        client.get("/p/HX01/dashboard/")

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/p/HX01/dashboard/").status_code == 200
            return len(queries)

        small = count()
        grow(project, [alice, bob], clara, mike, NOW - timedelta(minutes=5), n=15)
        assert count() == small


class TestTheDailySummary:
    """DOMAIN.md §10: after the office day (21:00 local) every manager is told the day's visits,
    calls and walk-ins not registered in time, once."""

    def summaries(self):
        return list(Notification.objects.filter(kind="daily_summary").order_by("recipient_id"))

    def test_not_before_the_office_day_is_over(self, project, today, mike):
        assert daily_summaries_send(now=at(3, 2, 20, 59)) == 0
        assert self.summaries() == []

    def test_each_manager_is_told_the_days_figures_once(self, project, today, mike):
        other_manager = UserFactory(username="deputy", role="manager", project=project)
        void(
            RegistrationFactory(
                customer=CustomerFactory(project=project), consultant=mike, occurred_at=at(3, 2, 16)
            ),
            mike,
        )
        late = at(3, 2, 21, 30)
        daily_summaries_send(now=late)
        daily_summaries_send(now=late + timedelta(minutes=15))  # beat runs again: nothing new
        told = self.summaries()
        assert [n.recipient for n in told] == sorted([mike, other_manager], key=lambda u: u.pk)
        figures = {"visits": 2, "calls": 1, "unregistered": 2, "day": "2026-03-02"}
        assert [n.params for n in told] == [figures, figures]
        assert told[0].url == "/p/HX01/dashboard/"
        assert render(told[0])  # the message reads with its parameters

    def test_each_zone_after_its_own_evening(self, project, today, mike):
        ny = ProjectFactory(code="NY01", timezone="America/New_York")
        boss = UserFactory(username="ny-boss", role="manager", project=ny)
        daily_summaries_send(now=at(3, 2, 21, 30))  # 08:30 in New York
        assert not Notification.objects.filter(recipient=boss).exists()
        daily_summaries_send(now=at(3, 3, 10, 30))  # 21:30 on 2 March in New York
        assert Notification.objects.get(recipient=boss).params["day"] == "2026-03-02"

    def test_the_same_queries_whatever_the_size(self, project, today, alice, bob, clara, mike):
        def count(moment) -> int:
            with CaptureQueriesContext(connection) as queries:
                daily_summaries_send(now=moment)
            return len(queries)

        small = count(at(3, 2, 21, 30))
        grow(project, [alice, bob], clara, mike, at(3, 3, 12), n=15)
        assert count(at(3, 3, 21, 30)) == small

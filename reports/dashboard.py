"""The manager's dashboard (经理看板, UX.md §7): today and this month on one screen.

Today: visits and calls by consultant, the rotation's fairness, walk-ins not registered in
time, claims lapsing within a day, disputes waiting for a ruling. This month: the funnel, sales
and collections, violations. Each part is an existing read (the reports, the fairness report,
the violations report) or one query; the whole page costs a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from attribution.models import HouseholdState
from attribution.rotation import LATE, UNREGISTERED, FairnessReport, ReceptionLine, fairness_report
from attribution.selectors import _with_customer
from disputes.models import OPEN_STATES, Dispute
from disputes.selectors import MonthViolations, violations_of_month
from projects.models import Project
from reports.engine import (
    DailyReport,
    FunnelReport,
    MonthSales,
    daily_report,
    day_period,
    funnel_report,
    month_period,
    sales_report,
    today_of,
)

LIST_SIZE = 10  # the longest list a tile shows; the count says how many there are


@dataclass(frozen=True)
class Waiting:
    """A list a tile shows (its first LIST_SIZE items) and how many there are in all."""

    items: list
    count: int


@dataclass
class Dashboard:
    project: Project
    now: datetime
    today: date
    month: date
    activity: DailyReport
    fairness: FairnessReport
    unregistered: list[ReceptionLine]
    lapsing: Waiting
    disputes: Waiting
    funnel: FunnelReport
    sales: MonthSales
    violations: MonthViolations


def lapsing_claims(project: Project, now: datetime) -> Waiting:
    """Live claims whose last second falls within a day: the ones the reminder job names
    (attribution.jobs.lapse_reminders), soonest first, with the household's first member."""
    states = HouseholdState.objects.filter(
        project=project,
        status="active",
        owner__isnull=False,
        expires_at__gte=now,
        expires_at__lt=now + timedelta(days=1),
    )
    rows = list(
        _with_customer(states).select_related("owner").order_by("expires_at", "household_id")
    )
    return Waiting(rows[:LIST_SIZE], len(rows))


def disputes_waiting(project: Project) -> Waiting:
    """Disputes a manager has still to rule on (open, reviewed or appealed), oldest first."""
    rows = list(
        Dispute.objects.filter(project=project, state__in=OPEN_STATES)
        .select_related("customer", "claimant", "owner_at_opening")
        .order_by("opened_at", "id")
    )
    return Waiting(rows[:LIST_SIZE], len(rows))


def dashboard(*, project: Project, now: datetime) -> Dashboard:
    today = today_of(project, now)
    month = today.replace(day=1)
    fairness = fairness_report(project=project, day=today, now=now)
    return Dashboard(
        project=project,
        now=now,
        today=today,
        month=month,
        activity=daily_report(project=project, period=day_period(today)),
        fairness=fairness,
        unregistered=[r for r in fairness.receptions if r.status in (UNREGISTERED, LATE)],
        lapsing=lapsing_claims(project, now),
        disputes=disputes_waiting(project),
        funnel=funnel_report(project=project, period=month_period(month)),
        sales=sales_report(project=project, period=month_period(month)).total,
        violations=violations_of_month(project=project, month=month.strftime("%Y-%m"), now=now),
    )

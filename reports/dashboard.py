"""The manager's dashboard (经理看板, UX.md §7): today and this month on one screen.

Today: visits and calls by consultant, the rotation's fairness, walk-ins not registered in
time, claims lapsing within a day, disputes waiting for a ruling. This month: the funnel, sales
and collections, violations. Each part is an existing read (the reports, the fairness report,
the violations report) or one query; the whole page costs a constant number of queries.
The tiles of attribution (fairness, lapsing claims) and disputes (waiting, violations) are
registered by those apps (projects.navigation.DASHBOARD_TILES); the rest are the reports' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from attribution.rotation.fairness import LATE, UNREGISTERED, FairnessReport, ReceptionLine
from disputes.selectors import MonthViolations
from projects.models import Project
from projects.navigation import DASHBOARD_TILES, Waiting
from reports.daily import DailyReport, daily_report
from reports.funnel import FunnelReport, funnel_report
from reports.periods import day_period, month_period, today_of
from reports.sales import MonthSales, sales_report


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


def dashboard(*, project: Project, now: datetime) -> Dashboard:
    today = today_of(project, now)
    month = today.replace(day=1)
    tiles = {name: build(project, now) for name, build in DASHBOARD_TILES.items()}
    fairness = tiles["fairness"]
    return Dashboard(
        project=project,
        now=now,
        today=today,
        month=month,
        activity=daily_report(project=project, period=day_period(today)),
        fairness=fairness,
        unregistered=[r for r in fairness.receptions if r.status in (UNREGISTERED, LATE)],
        lapsing=tiles["lapsing"],
        disputes=tiles["disputes"],
        funnel=funnel_report(project=project, period=month_period(month)),
        sales=sales_report(project=project, period=month_period(month)).total,
        violations=tiles["violations"],
    )

"""Each report once: its default period, how it is built, charted, exported and sent as JSON.
The pages (orders/report_views.py) and the API (orders/report_apis.py) both read from here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from orders import report_charts as charts
from orders import report_exports as exports
from orders import reports
from orders.reports import Period
from projects.models import Project

SALES_MONTHS = 12  # the sales report shows the last twelve months unless asked otherwise


@dataclass(frozen=True)
class Recipe:
    default: Callable[[date], Period]  # from the project's local today
    build: Callable[[Project, Period], object]
    charts: Callable[[object], dict]
    table: Callable[[object], exports.Table]
    json: Callable[[object], dict]
    day_only: bool = False  # a report of one day reads ``day`` and nothing else

    def period(self, params: Mapping[str, str], today: date) -> Period:
        """The period asked for, or ``DomainError`` with a code (see reports.period_from)."""
        if self.day_only:
            params = {"day": params.get("day", "")}
        return reports.period_from(params, self.default(today))


def this_month(today: date) -> Period:
    return reports.month_period(today.replace(day=1))


def last_months(today: date) -> Period:
    return reports.months_period(today.replace(day=1), SALES_MONTHS)


RECIPES: dict[str, Recipe] = {
    reports.SHEET: Recipe(
        reports.day_period,
        lambda project, period: reports.visit_call_sheet(project=project, day=period.first),
        charts.sheet_charts,
        exports.sheet_table,
        exports.sheet_json,
        day_only=True,
    ),
    reports.DAILY: Recipe(
        reports.day_period,
        lambda project, period: reports.daily_report(project=project, period=period),
        charts.daily_charts,
        exports.daily_table,
        exports.daily_json,
    ),
    reports.SOURCES: Recipe(
        this_month,
        lambda project, period: reports.source_report(project=project, period=period),
        charts.source_charts,
        exports.sources_table,
        exports.sources_json,
    ),
    reports.FUNNEL: Recipe(
        this_month,
        lambda project, period: reports.funnel_report(project=project, period=period),
        charts.funnel_charts,
        exports.funnel_table,
        exports.funnel_json,
    ),
    reports.SALES: Recipe(
        last_months,
        lambda project, period: reports.sales_report(project=project, period=period),
        charts.sales_charts,
        exports.sales_table,
        exports.sales_json,
    ),
    reports.OVERDUE: Recipe(
        reports.day_period,
        lambda project, period: reports.overdue_report(project=project, day=period.first),
        charts.overdue_charts,
        exports.overdue_table,
        exports.overdue_json,
        day_only=True,
    ),
}

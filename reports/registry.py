"""Each report once: its default period, how it is built, charted, exported and sent as JSON.
The pages (reports/views.py) and the API (reports/apis.py) both read from here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from projects.models import Project
from reports import access, charts, exports
from reports.daily import daily_report
from reports.funnel import funnel_report
from reports.overdue import overdue_report
from reports.periods import Period, day_period, month_period, months_period, period_from
from reports.sales import sales_report
from reports.visits import source_report, visit_call_sheet

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
        """The period asked for, or ``DomainError`` with a code (see periods.period_from)."""
        if self.day_only:
            params = {"day": params.get("day", "")}
        return period_from(params, self.default(today))


def this_month(today: date) -> Period:
    return month_period(today.replace(day=1))


def last_months(today: date) -> Period:
    return months_period(today.replace(day=1), SALES_MONTHS)


RECIPES: dict[str, Recipe] = {
    access.SHEET: Recipe(
        day_period,
        lambda project, period: visit_call_sheet(project=project, day=period.first),
        charts.sheet_charts,
        exports.sheet_table,
        exports.sheet_json,
        day_only=True,
    ),
    access.DAILY: Recipe(
        day_period,
        lambda project, period: daily_report(project=project, period=period),
        charts.daily_charts,
        exports.daily_table,
        exports.daily_json,
    ),
    access.SOURCES: Recipe(
        this_month,
        lambda project, period: source_report(project=project, period=period),
        charts.source_charts,
        exports.sources_table,
        exports.sources_json,
    ),
    access.FUNNEL: Recipe(
        this_month,
        lambda project, period: funnel_report(project=project, period=period),
        charts.funnel_charts,
        exports.funnel_table,
        exports.funnel_json,
    ),
    access.SALES: Recipe(
        last_months,
        lambda project, period: sales_report(project=project, period=period),
        charts.sales_charts,
        exports.sales_table,
        exports.sales_json,
    ),
    access.OVERDUE: Recipe(
        day_period,
        lambda project, period: overdue_report(project=project, day=period.first),
        charts.overdue_charts,
        exports.overdue_table,
        exports.overdue_json,
        day_only=True,
    ),
}

"""Each report once: its default period, how it is built, charted, exported and sent as JSON.
The pages (reports/views.py) and the API (reports/apis.py) both read from here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from projects.models import Project
from reports import charts, engine, exports
from reports.engine import Period

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
        """The period asked for, or ``DomainError`` with a code (see engine.period_from)."""
        if self.day_only:
            params = {"day": params.get("day", "")}
        return engine.period_from(params, self.default(today))


def this_month(today: date) -> Period:
    return engine.month_period(today.replace(day=1))


def last_months(today: date) -> Period:
    return engine.months_period(today.replace(day=1), SALES_MONTHS)


RECIPES: dict[str, Recipe] = {
    engine.SHEET: Recipe(
        engine.day_period,
        lambda project, period: engine.visit_call_sheet(project=project, day=period.first),
        charts.sheet_charts,
        exports.sheet_table,
        exports.sheet_json,
        day_only=True,
    ),
    engine.DAILY: Recipe(
        engine.day_period,
        lambda project, period: engine.daily_report(project=project, period=period),
        charts.daily_charts,
        exports.daily_table,
        exports.daily_json,
    ),
    engine.SOURCES: Recipe(
        this_month,
        lambda project, period: engine.source_report(project=project, period=period),
        charts.source_charts,
        exports.sources_table,
        exports.sources_json,
    ),
    engine.FUNNEL: Recipe(
        this_month,
        lambda project, period: engine.funnel_report(project=project, period=period),
        charts.funnel_charts,
        exports.funnel_table,
        exports.funnel_json,
    ),
    engine.SALES: Recipe(
        last_months,
        lambda project, period: engine.sales_report(project=project, period=period),
        charts.sales_charts,
        exports.sales_table,
        exports.sales_json,
    ),
    engine.OVERDUE: Recipe(
        engine.day_period,
        lambda project, period: engine.overdue_report(project=project, day=period.first),
        charts.overdue_charts,
        exports.overdue_table,
        exports.overdue_json,
        day_only=True,
    ),
}

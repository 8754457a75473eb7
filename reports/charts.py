"""Chart specifications for static/js/charts.js, built from the reports (reports/visits.py,
daily.py, funnel.py, sales.py, overdue.py).

A spec is plain JSON, passed to the page with ``json_script``: labels, datasets and a few
switches (stacked, horizontal, money). Money travels as strings with two decimals ("1200000.00")
and is only drawn, never computed with, in the browser. Colours are names of the office's
palette (charts.js maps them), so a chart reads like the rest of the site.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from customers.models import Stage
from projects.access import display_name
from reports.daily import DailyReport
from reports.funnel import FunnelReport
from reports.overdue import OverdueReport
from reports.sales import SalesReport
from reports.visits import SourceReport, Tally, VisitCallSheet

# The pipeline's colours: grey waiting, blue interested, amber talking, green done, red lost.
STAGE_COLOURS = {
    Stage.POTENTIAL: "muted",
    Stage.INTENT: "info",
    Stage.NEGOTIATING: "warn",
    Stage.CLOSED: "ok",
    Stage.LOST: "danger",
}


def money_text(value: Decimal) -> str:
    """Two decimals, exactly (Decimal formatting, never a float)."""
    return f"{value:.2f}"


def series(label: str, data: list, colour: str, kind: str = "") -> dict:
    spec = {"label": label, "data": data, "color": colour}
    if kind:
        spec["type"] = kind
    return spec


def chart(
    title: str,
    labels: list[str],
    datasets: list[dict],
    *,
    kind: str = "bar",
    stacked: bool = False,
    horizontal: bool = False,
    money: bool = False,
    colours: list[str] | None = None,
) -> dict:
    """One chart. ``colours`` colours each bar of a single series on its own (the funnel)."""
    spec = {
        "type": kind,
        "title": title,
        # Nothing to draw: the page says so in words instead of showing empty axes.
        "empty": all(Decimal(str(value)) == 0 for d in datasets for value in d["data"]),
        "labels": labels,
        "datasets": datasets,
        "stacked": stacked,
        "horizontal": horizontal,
        "money": money,
    }
    if colours:
        spec["colors"] = colours
    return spec


def _visits_and_calls(title: str, tallies: list[Tally], *, horizontal: bool = False) -> dict:
    return chart(
        title,
        [t.label for t in tallies],
        [
            series(_("Visits"), [t.visits for t in tallies], "accent"),
            series(_("Calls"), [t.calls for t in tallies], "info"),
        ],
        stacked=True,
        horizontal=horizontal,
    )


def sheet_charts(sheet: VisitCallSheet) -> dict:
    return {
        "by_hour": _visits_and_calls(_("By time of day"), sheet.by_hour),
        "by_consultant": _visits_and_calls(_("By consultant"), sheet.by_consultant),
    }


def daily_charts(report: DailyReport) -> dict:
    people = [t for t in report.totals if t.any] or report.totals
    names = [t.name for t in people]
    return {
        "activity": chart(
            _("Contacts per consultant"),
            names,
            [
                series(_("Visits"), [t.visits for t in people], "accent"),
                series(_("Calls"), [t.calls for t in people], "info"),
                series(_("Follow-ups"), [t.follow_ups for t in people], "violet"),
            ],
            stacked=True,
        ),
        "results": chart(
            _("New customers and deals"),
            names,
            [
                series(_("New customers"), [t.new_customers for t in people], "muted"),
                series(_("Subscriptions"), [t.subscriptions for t in people], "warn"),
                series(_("Contracts"), [t.contracts for t in people], "ok"),
            ],
        ),
    }


def source_charts(report: SourceReport) -> dict:
    return {
        "sources": _visits_and_calls(
            _("Visits and calls by source"), report.sources, horizontal=True
        ),
        "new_by_source": chart(
            _("New customers by source"),
            [t.label for t in report.sources],
            [series(_("New customers"), [t.new_customers for t in report.sources], "accent")],
            kind="doughnut",
            colours=["accent", "info", "warn", "violet", "ok", "danger", "muted"],
        ),
    }


def funnel_charts(report: FunnelReport) -> dict:
    colours = [STAGE_COLOURS[s.stage] for s in report.stages]
    labels = [s.label for s in report.stages]
    return {
        "funnel": chart(
            _("Customers per stage now"),
            labels,
            [series(_("Customers"), [s.customers for s in report.stages], "accent")],
            horizontal=True,
            colours=colours,
        ),
        "moves": chart(
            _("Moves in the period"),
            labels,
            [
                series(_("Moved in"), [s.entered for s in report.stages], "accent"),
                series(_("Moved out"), [s.left for s in report.stages], "muted"),
            ],
        ),
    }


def month_label(month) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def sales_charts(report: SalesReport) -> dict:
    labels = [month_label(m.month) for m in report.months]
    return {
        "sales": chart(
            _("Sales and collections by month"),
            labels,
            [
                series(
                    _("Subscriptions"),
                    [money_text(m.subscription_amount) for m in report.months],
                    "warn",
                ),
                series(
                    _("Contracts"), [money_text(m.contract_amount) for m in report.months], "accent"
                ),
                series(
                    _("Collected (payments less refunds)"),
                    [money_text(m.collected) for m in report.months],
                    "info",
                    kind="line",
                ),
            ],
            money=True,
        ),
        "deals": chart(
            _("Deals by month"),
            labels,
            [
                series(_("Subscriptions"), [m.subscriptions for m in report.months], "warn"),
                series(_("Contracts"), [m.contracts for m in report.months], "accent"),
                series(_("Cancelled"), [m.cancelled for m in report.months], "danger"),
            ],
        ),
    }


def overdue_charts(report: OverdueReport) -> dict:
    return {
        "aging": chart(
            _("Overdue by age"),
            [b.label for b in report.buckets],
            [series(_("Unpaid"), [money_text(b.amount) for b in report.buckets], "danger")],
            money=True,
            colours=["warn", "danger", "danger", "danger"],
        ),
    }


def dashboard_charts(board) -> dict:
    """The dashboard's charts (orders/dashboard.py): today's contacts and the rotation, the
    month's funnel, money and violations."""
    today = [a for a in board.activity.rows if a.visits or a.calls] or board.activity.rows
    fairness = board.fairness.rows
    sales = board.sales
    violations = board.violations.totals
    return {
        "today": chart(
            _("Visits and calls today"),
            [a.name for a in today],
            [
                series(_("Visits"), [a.visits for a in today], "accent"),
                series(_("Calls"), [a.calls for a in today], "info"),
            ],
            stacked=True,
        ),
        "fairness": chart(
            _("Walk-ins received today"),
            [r.name for r in fairness],
            [
                series(_("Receptions"), [r.receptions for r in fairness], "accent"),
                series(_("Own returning customers"), [r.own_customers for r in fairness], "muted"),
                series(_("Unregistered"), [r.unregistered for r in fairness], "danger"),
            ],
        ),
        "funnel": funnel_charts(board.funnel)["funnel"],
        "money": chart(
            _("This month's money"),
            [_("Subscriptions"), _("Contracts"), _("Collected")],
            [
                series(
                    _("Amount"),
                    [
                        money_text(sales.subscription_amount),
                        money_text(sales.contract_amount),
                        money_text(sales.collected),
                    ],
                    "accent",
                )
            ],
            horizontal=True,
            money=True,
            colours=["warn", "accent", "info"],
        ),
        "violations": chart(
            _("Violations this month"),
            [display_name(t.staff) for t in violations],
            [series(_("Amount"), [money_text(t.amount) for t in violations], "danger")],
            money=True,
        ),
    }

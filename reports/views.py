"""Pages of the office's reports and the manager's dashboard: each computes its report
(reports/registry.py), its charts (reports/charts.py) and renders; exports go through
projects.exports.xlsx_response (managers only, logged). Who reads which report is
reports.access.REPORT_ROLES."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from attribution.visibility import customers_seen_in_full
from projects.access import has_role
from projects.exports import export_allowed, xlsx_response
from projects.models import Project
from projects.pages import page_project, render_local
from projects.roles import Role
from reports import access, charts, exports, statements
from reports.dashboard import dashboard as dashboard_of
from reports.periods import Period, today_of
from reports.registry import RECIPES, Recipe
from salesoffice.errors import DomainError
from salesoffice.periods import next_month, parse_month, previous_month


@dataclass(frozen=True)
class ReportPage:
    """One report: its name (reports.access), title, template and filter kind."""

    name: str
    title: str
    description: str
    url_name: str
    filter: str  # the filter form: "day", "day-or-month", "month" or "months"


PAGES = (
    ReportPage(
        access.SHEET,
        gettext_lazy("Visits and calls"),
        gettext_lazy("The day's registrations by time, kind, consultant and source (来人来电表)."),
        "report-visits-calls",
        "day",
    ),
    ReportPage(
        access.DAILY,
        gettext_lazy("Consultants' daily report"),
        gettext_lazy(
            "Per consultant and day: visits, calls, new customers, follow-ups, deals (业务日报表)."
        ),
        "report-daily",
        "day-or-month",
    ),
    ReportPage(
        access.SOURCES,
        gettext_lazy("Visits by source"),
        gettext_lazy("Visits, calls and new customers per source (信息来源) over a period."),
        "report-sources",
        "month",
    ),
    ReportPage(
        access.FUNNEL,
        gettext_lazy("Funnel"),
        gettext_lazy("Customers per stage now, and the period's moves between stages."),
        "report-funnel",
        "month",
    ),
    ReportPage(
        access.SALES,
        gettext_lazy("Sales and collections"),
        gettext_lazy("Subscriptions, contracts and collections by month."),
        "report-sales",
        "months",
    ),
    ReportPage(
        access.OVERDUE,
        gettext_lazy("Overdue payments"),
        gettext_lazy("Instalments past due and not yet paid, by age."),
        "report-overdue",
        "day",
    ),
)
PAGE_BY_NAME = {page.name: page for page in PAGES}


# -- shared pieces ------------------------------------------------------------------------------


def report_project(request, code: str, name: str) -> Project:
    """404 outside the user's projects, 403 for a role that does not read this report."""
    return page_project(request, code, access.REPORT_ROLES[name])


def export_project(request, code: str) -> Project:
    return page_project(request, code, (Role.MANAGER,))


def chosen_period(request, recipe: Recipe, today: date) -> Period:
    """The period the filter asks for; a bad one is said in a sentence and the default shown."""
    try:
        return recipe.period(request.GET, today)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return recipe.default(today)


def render_report(request, project: Project, name: str, period: Period, report, chart_specs):
    page = PAGE_BY_NAME[name]
    context = {
        "page": page,
        "report": report,
        "period": period,
        "query": urlencode(period.params()),
        "neighbours": [urlencode(p.params()) if p else "" for p in period.neighbours()],
        "charts": chart_specs,
        "tabs": [p for p in PAGES if access.may_read(request.user, p.name)],
        "may_export": export_allowed(request.user),
    }
    return render_local(request, project, f"reports/{name.replace('-', '_')}.html", context)


def export(request, project: Project, name: str, period: Period, table: exports.Table):
    params = period.params()
    label = "-".join(params.values())
    return xlsx_response(
        project=project,
        user=request.user,
        what=f"report-{name}",
        filename=f"{name}-{project.code}-{label}.xlsx",
        headers=table.headers,
        rows=table.rows,
        params=params,
        number_formats=table.number_formats,
    )


# -- the pages ----------------------------------------------------------------------------------


def _built(request, project: Project, name: str, now: datetime):
    recipe = RECIPES[name]
    period = chosen_period(request, recipe, today_of(project, now))
    return recipe, period, recipe.build(project, period)


def report_page(name: str):
    @login_required
    @require_GET
    def view(request, code):
        project = report_project(request, code, name)
        recipe, period, report = _built(request, project, name, timezone.now())
        return render_report(request, project, name, period, report, recipe.charts(report))

    view.__name__ = f"report_{name.replace('-', '_')}"
    return view


def report_export(name: str):
    @login_required
    @require_GET
    def view(request, code):
        project = export_project(request, code)
        recipe, period, report = _built(request, project, name, timezone.now())
        return export(request, project, name, period, recipe.table(report))

    view.__name__ = f"report_{name.replace('-', '_')}_export"
    return view


@login_required
@require_GET
def report_index(request, code):
    project = page_project(request, code, access.ANY_REPORT_ROLES)
    tabs = [p for p in PAGES if access.may_read(request.user, p.name)]
    return render_local(request, project, "reports/index.html", {"tabs": tabs})


@login_required
@require_GET
def dashboard(request, code):
    project = page_project(request, code, (Role.MANAGER,))
    board = dashboard_of(project=project, now=timezone.now())
    context = {
        "board": board,
        "charts": charts.dashboard_charts(board),
        "tabs": [p for p in PAGES if access.may_read(request.user, p.name)],
        "month_query": urlencode({"month": board.month.strftime("%Y-%m")}),
    }
    return render_local(request, project, "reports/dashboard.html", context)


# -- commission statements ---------------------------------------------------------------------


def chosen_month(request, project: Project) -> date:
    """The month asked for (YYYY-MM), else the project's current local month."""
    today = timezone.localdate(timezone=project.tzinfo)
    text = request.GET.get("month", "")
    if not text:
        return today.replace(day=1)
    try:
        return parse_month(text)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return today.replace(day=1)


@login_required
@require_GET
def commission(request, code):
    project = page_project(request, code, statements.STATEMENT_ROLES)
    month = chosen_month(request, project)
    statement = statements.statement_for(project=project, month=month, viewer=request.user)
    customers = [line.subscription.customer for party in statement.parties for line in party.lines]
    return render_local(
        request,
        project,
        "reports/commission.html",
        {
            "statement": statement,
            "seen_in_full": customers_seen_in_full(request.user, customers),
            "month": month,
            "month_value": month.strftime("%Y-%m"),
            "previous": previous_month(month).strftime("%Y-%m"),
            "next": next_month(month).strftime("%Y-%m"),
            "manager": has_role(request.user, Role.MANAGER),
        },
    )


def statement_rows(statement: statements.Statement) -> list[list]:
    """One row per party and deal, then the party's total; cancelled deals say so."""
    tz = statement.project.tzinfo
    rows: list[list] = []
    for party in statement.parties:
        for line in party.lines:
            deal = line.subscription
            rows.append(
                [
                    party.name,
                    deal.occurred_at.astimezone(tz).date().isoformat(),
                    str(deal.unit),
                    deal.customer.name,
                    deal.price,
                    line.percent,
                    line.amount,
                    _("Cancelled") if line.cancelled else "",
                ]
            )
        rows.append([party.name, "", "", _("Total"), None, None, party.total, ""])
    return rows


@login_required
@require_GET
def commission_export(request, code):
    project = page_project(request, code, (Role.MANAGER,))
    month = chosen_month(request, project)
    statement = statements.statement_for(project=project, month=month, viewer=request.user)
    label = month.strftime("%Y-%m")
    return xlsx_response(
        project=project,
        user=request.user,
        what="commission",
        filename=f"commission-{project.code}-{label}.xlsx",
        headers=[
            _("Consultant"),
            _("Date"),
            _("Unit"),
            _("Customer"),
            _("Price"),
            _("Share %"),
            _("Amount"),
            _("Status"),
        ],
        rows=statement_rows(statement),
        params={"month": label},
    )

"""Pages of orders: a building's units as a grid (销控表), and monthly commission statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from orders import selectors
from orders.grid import building_grid
from orders.models import Subscription, Unit
from projects.access import has_role
from projects.exports import xlsx_response
from projects.models import Project
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError


@dataclass(frozen=True)
class UnitCell:
    """A unit as the grid shows it; ``deal`` only when the viewer may see who holds it."""

    obj: Unit
    deal: Subscription | None

    @property
    def unit(self) -> str:
        return self.obj.unit

    @property
    def floor(self) -> int | None:
        return self.obj.floor

    @property
    def room(self) -> str:
        return self.obj.room


def unit_cell(unit: Unit, viewer) -> UnitCell:
    hold = getattr(unit, "hold", None)
    visible = hold is not None and selectors.may_see_deal(viewer, unit)
    return UnitCell(unit, hold.subscription if visible else None)


@login_required
@require_GET
def units(request, code):
    project = page_project(request, code, selectors.UNIT_ROLES)
    buildings = selectors.buildings_of(project)
    building = request.GET.get("building", "")
    if building not in buildings:
        building = buildings[0] if buildings else ""
    rows = selectors.building_units(project, building) if building else []
    return render_local(
        request,
        project,
        "orders/units.html",
        {
            "buildings": buildings,
            "building": building,
            "blocks": building_grid(unit_cell(u, request.user) for u in rows),
            "legend": selectors.status_counts(rows),
        },
    )


def chosen_month(request, project: Project) -> date:
    """The month asked for (YYYY-MM), else the project's current local month."""
    today = timezone.localdate(timezone=project.tzinfo)
    text = request.GET.get("month", "")
    if not text:
        return today.replace(day=1)
    try:
        return selectors.parse_month(text)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return today.replace(day=1)


@login_required
@require_GET
def commission(request, code):
    project = page_project(request, code, selectors.STATEMENT_ROLES)
    month = chosen_month(request, project)
    statement = selectors.statement_for(project=project, month=month, viewer=request.user)
    return render_local(
        request,
        project,
        "orders/commission.html",
        {
            "statement": statement,
            "month": month,
            "month_value": month.strftime("%Y-%m"),
            "previous": selectors.previous_month(month).strftime("%Y-%m"),
            "next": selectors.next_month(month).strftime("%Y-%m"),
            "manager": has_role(request.user, Role.MANAGER),
        },
    )


def statement_rows(statement: selectors.Statement) -> list[list]:
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
    statement = selectors.statement_for(project=project, month=month, viewer=request.user)
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

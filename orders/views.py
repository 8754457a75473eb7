"""Pages of orders: a building's units as a grid (销控表), and monthly commission statements."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from attribution.visibility import customers_seen_in_full
from orders import selectors
from orders.grid import building_grid
from orders.models import Subscription, Unit
from projects.pages import page_project, render_local


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
    cells = [unit_cell(u, request.user) for u in rows]
    deals = [cell.deal.customer for cell in cells if cell.deal]
    return render_local(
        request,
        project,
        "orders/units.html",
        {
            "buildings": buildings,
            "building": building,
            "blocks": building_grid(cells),
            "seen_in_full": customers_seen_in_full(request.user, deals),
            "legend": selectors.status_counts(rows),
        },
    )

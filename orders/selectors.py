"""Reads of the orders app: the unit inventory by building.

Each read costs a constant number of queries, whatever the number of units or deals.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from attribution.models import HouseholdState
from orders.models import Subscription, Unit, UnitStatus
from projects.access import has_role, is_office_staff, projects_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import NotFound

# The sales office's own staff read the inventory; channel agents and other departments do not.
UNIT_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER, Role.FINANCE)

# -- units --------------------------------------------------------------------------------------


def subscription_for(user, pk: int) -> Subscription:
    """A subscription of the user's projects with what its pages and APIs show, or 404."""
    subscription = (
        Subscription.objects.select_related("project", "unit__project", "customer", "consultant")
        .filter(pk=pk, project__in=projects_of(user))
        .first()
    )
    if subscription is None:
        raise NotFound(_("No such subscription."))
    return subscription


def units_of(project: Project, *, building: str = "", status: str = ""):
    units = Unit.objects.filter(project=project)
    if building:
        units = units.filter(building=building)
    if status:
        units = units.filter(status=status)
    return units.order_by("building", "unit", "floor", "room")


def _natural(text: str) -> tuple:
    """Buildings 2 before 10, like the office counts them."""
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def buildings_of(project: Project) -> list[str]:
    names = (
        Unit.objects.filter(project=project)
        .order_by("building")
        .values_list("building", flat=True)
        .distinct()
    )
    return sorted(names, key=_natural)


def building_units(project: Project, building: str) -> list[Unit]:
    """A building's units with the live deal on each held one and the household's owner now
    (the materialised state), in two joins: no query per unit."""
    owner = HouseholdState.objects.filter(
        household=OuterRef("hold__subscription__customer__household")
    ).values("owner_id")[:1]
    return list(
        Unit.objects.filter(project=project, building=building)
        .select_related(
            "hold__subscription__customer",
            "hold__subscription__consultant",
        )
        .annotate(household_owner_id=Subquery(owner))
    )


def may_see_deal(viewer, unit: Unit) -> bool:
    """§11 for a held unit: office staff and finance see every deal; a consultant only the
    deals they closed or whose household they own."""
    if is_office_staff(viewer) or has_role(viewer, Role.FINANCE):
        return True
    hold = getattr(unit, "hold", None)
    if hold is None or not has_role(viewer, Role.CONSULTANT):
        return False
    deal = hold.subscription
    return viewer.pk in {deal.consultant_id, deal.assisted_by_id, unit.household_owner_id}


def status_counts(units: list[Unit]) -> list[tuple[str, str, int]]:
    """(status, label, count) in the order of a unit's life, for the grid's legend."""
    counts = Counter(u.status for u in units)
    return [(s.value, s.label, counts.get(s.value, 0)) for s in UnitStatus]


def live_subscription_ids(customer) -> list[int]:
    """The customer's subscriptions neither cancelled nor ended by a cancelled contract (the
    pipeline asks: a customer with none left leaves closed)."""
    return list(
        Subscription.objects.filter(customer=customer, cancellation__isnull=True)
        .filter(Q(contract__isnull=True) | Q(contract__cancellation__isnull=True))
        .values_list("pk", flat=True)
    )

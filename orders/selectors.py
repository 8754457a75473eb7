"""Reads of the orders app: the unit inventory by building, and monthly commission statements.

Each read costs a constant number of queries, whatever the number of units or deals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from attribution.models import HouseholdState
from disputes.models import Dispute
from disputes.services import OPEN_STATES
from orders.commission_rules import HUNDRED, cents
from orders.models import CommissionShare, CommissionSplit, Subscription, Unit, UnitStatus
from projects.access import display_name, has_role, is_office_staff, projects_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound

# The sales office's own staff read the inventory; channel agents and other departments do not.
UNIT_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER, Role.FINANCE)
# Managers read every statement, consultants their own.
STATEMENT_ROLES = (Role.CONSULTANT, Role.MANAGER)

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


# -- months -------------------------------------------------------------------------------------


def parse_month(text: str) -> date:
    """``2026-03`` → the first day of that month, or ``invalid_month``."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise DomainError(
            _("Give the month as YYYY-MM, e.g. 2026-03."),
            code="invalid_month",
            fields={"month": [_("Give the month as YYYY-MM.")]},
        ) from exc


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_bounds(first: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of the local month and of the next one."""
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    end_day = next_month(first)
    return start, datetime(end_day.year, end_day.month, 1, tzinfo=tz)


# -- commission statements ----------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    subscription: Subscription
    percent: Decimal
    amount: Decimal
    role: str
    cancelled: bool
    provisional: bool


@dataclass
class PartyStatement:
    """One consultant's (or one channel's) deals of the month and what they earn."""

    key: str
    name: str
    username: str | None = None
    channel: str = ""
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def counted(self) -> list[StatementLine]:
        return [line for line in self.lines if not line.cancelled]

    @property
    def deals(self) -> int:
        return len(self.counted)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.counted), Decimal("0.00"))


@dataclass
class Statement:
    project: Project
    month: date
    parties: list[PartyStatement]

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.parties), Decimal("0.00"))


def _deals_of_month(project: Project, month: date):
    start, end = month_bounds(month, project.tzinfo)
    current = CommissionSplit.objects.filter(subscription=OuterRef("pk")).order_by(
        "-entered_at", "-id"
    )
    return list(
        Subscription.objects.filter(project=project, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("unit", "customer", "consultant", "cancellation")
        .annotate(current_split_id=Subquery(current.values("id")[:1]))
        .order_by("occurred_at", "id")
    )


def _disputed(deals: list[Subscription]) -> set[int]:
    """Households with a dispute open: their shares are provisional until the ruling."""
    households = {d.customer.household_id for d in deals}
    return set(
        Dispute.objects.filter(household_id__in=households, state__in=OPEN_STATES).values_list(
            "household_id", flat=True
        )
    )


def _party(share: CommissionShare) -> tuple[str, dict]:
    if share.consultant_id:
        user = share.consultant
        return f"u:{user.username}", {"name": display_name(user), "username": user.username}
    return f"c:{share.channel}", {"name": share.channel, "channel": share.channel}


def commission_statement(*, project: Project, month: date, consultant=None) -> Statement:
    """The month's deals (by the subscription's local month) with each party's current share
    and amount = price × share; cancelled deals are listed and not counted. With
    ``consultant``, only that consultant's own shares. Three queries, whatever the month holds."""
    deals = _deals_of_month(project, month)
    by_split = {d.current_split_id: d for d in deals if d.current_split_id}
    shares = CommissionShare.objects.filter(split_id__in=by_split).select_related("consultant")
    if consultant is not None:
        shares = shares.filter(consultant=consultant)
    disputed = _disputed(deals)
    parties: dict[str, PartyStatement] = {}
    for share in shares.order_by("split_id", "-percent", "id"):
        deal = by_split[share.split_id]
        key, who = _party(share)
        party = parties.setdefault(key, PartyStatement(key=key, **who))
        cancelled = hasattr(deal, "cancellation")
        party.lines.append(
            StatementLine(
                subscription=deal,
                percent=share.percent,
                amount=cents(deal.price * share.percent / HUNDRED),
                role=share.role,
                cancelled=cancelled,
                provisional=not cancelled and deal.customer.household_id in disputed,
            )
        )
    for party in parties.values():
        party.lines.sort(key=lambda line: (line.subscription.occurred_at, line.subscription.pk))
    ordered = sorted(parties.values(), key=lambda p: (p.key.startswith("c:"), p.name, p.key))
    return Statement(project=project, month=month, parties=ordered)


def may_read_statements(user) -> bool:
    return user.is_superuser or has_role(user, *STATEMENT_ROLES)


def statement_for(*, project: Project, month: date, viewer) -> Statement:
    """Managers read every party's statement, a consultant only their own."""
    everyone = viewer.is_superuser or has_role(viewer, Role.MANAGER)
    return commission_statement(
        project=project, month=month, consultant=None if everyone else viewer
    )

"""Monthly commission statements (DOMAIN.md §6): each party's current share of the month's deals.

Each statement costs a constant number of queries, whatever the month holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from commission.models import CommissionShare, CommissionSplit
from commission.rules import HUNDRED, cents
from disputes.models import OPEN_STATES, Dispute
from orders.models import Subscription
from projects.access import display_name, has_role
from projects.models import Project
from projects.roles import Role
from salesoffice.periods import month_bounds

# Managers read every statement, consultants their own.
STATEMENT_ROLES = (Role.CONSULTANT, Role.MANAGER)


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

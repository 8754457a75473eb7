"""Reads of contracts and their money (UX.md §6): who may read a contract, the finance desk's
list (a constant number of queries whatever the number of contracts), and one contract with
its schedule settled item by item, its payments and receipts.

Whether an item is overdue is read from the data and the time, never from whether the
reminder job ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.balances import (
    ItemBalance,
    next_due,
    overdue_items,
    settle_in_due_order,
    with_balances,
)
from orders.contracts import on_the_deal
from orders.models import Contract, Payment, ScheduleItem
from orders.terms import refundable
from projects.access import has_role, projects_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import NotFound

ZERO = Decimal("0.00")
# The finance desk: finance works it; managers look at it (they record nothing: API.md).
DESK_ROLES = (Role.FINANCE, Role.MANAGER)
# Who reads any contract of their projects; a consultant reads the contracts of their deals.
CONTRACT_READERS = (Role.FINANCE, Role.MANAGER, Role.CLERK)
SHOW_CHOICES = ("outstanding", "overdue", "all")


def local_today(project: Project, now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), timezone=project.tzinfo)


# -- one contract -------------------------------------------------------------------------------


def may_read_contract(viewer, contract: Contract) -> bool:
    if viewer.is_superuser or has_role(viewer, *CONTRACT_READERS):
        return True
    return has_role(viewer, Role.CONSULTANT) and on_the_deal(viewer, contract.subscription)


def contract_for(viewer, pk: int) -> Contract:
    """The contract with its deal, or 404 outside the viewer's projects or reach."""
    contract = (
        Contract.objects.select_related(
            "project",
            "subscription__project",
            "subscription__customer",
            "subscription__unit__project",
            "subscription__consultant",
            "cancellation__approved_by",
            "entered_by",
        )
        .filter(pk=pk, project__in=projects_of(viewer))
        .first()
    )
    if contract is None or not may_read_contract(viewer, contract):
        raise NotFound(_("No such contract."), code="unknown_contract")
    return contract


@dataclass(frozen=True)
class ContractView:
    """A contract's money as of ``today``: paid, outstanding, each item, each movement."""

    contract: Contract
    today: date
    paid: Decimal  # payments less refunds
    items: list[ItemBalance]
    payments: list[Payment]

    @property
    def deposit(self) -> Decimal:
        return self.contract.subscription.deposit

    @property
    def cancelled(self) -> bool:
        return hasattr(self.contract, "cancellation")

    @property
    def outstanding(self) -> Decimal:
        return self.contract.price - self.deposit - self.paid

    @property
    def received(self) -> Decimal:
        """Everything the customer handed over and kept in: the deposit and the payments."""
        return refundable(self.deposit, self.paid)

    @property
    def overdue(self) -> list[ItemBalance]:
        return [] if self.cancelled else overdue_items(self.items, self.today)

    @property
    def overdue_pks(self) -> set[int | None]:
        return {item.pk for item in self.overdue}

    @property
    def payable(self) -> bool:
        return not self.cancelled and self.outstanding > 0

    @property
    def paid_off(self) -> bool:
        return not self.cancelled and self.outstanding <= 0


def contract_view(contract: Contract, now: datetime | None = None) -> ContractView:
    """Two queries: the schedule and the movements (the total is summed from the latter)."""
    payments = list(
        Payment.objects.filter(contract=contract)
        .select_related("entered_by")
        .order_by("paid_at", "id")
    )
    paid = sum((p.amount for p in payments), ZERO)
    settled = contract.subscription.deposit + paid  # the deposit settles the schedule first
    items = settle_in_due_order(ScheduleItem.objects.filter(contract=contract), settled)
    return ContractView(contract, local_today(contract.project, now), paid, items, payments)


# -- the finance desk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    contract: Contract
    today: date
    items: list[ItemBalance]

    @property
    def paid(self) -> Decimal:
        return self.contract.paid

    @property
    def outstanding(self) -> Decimal:
        return self.contract.outstanding_amount

    @property
    def cancelled(self) -> bool:
        return hasattr(self.contract, "cancellation")

    @property
    def overdue_amount(self) -> Decimal:
        return ZERO if self.cancelled else max(self.contract.overdue_amount, ZERO)

    @property
    def next_due(self) -> ItemBalance | None:
        return None if self.cancelled else next_due(self.items)


def desk_contracts(project: Project, *, today: date, show: str = "outstanding") -> QuerySet:
    """The project's contracts with their balances, overdue ones first, then by signing.
    ``outstanding``: live contracts still owed; ``overdue``: those late; ``all``: every one."""
    contracts = with_balances(
        Contract.objects.filter(project=project).select_related(
            "subscription__customer", "subscription__unit", "cancellation"
        ),
        today,
    ).prefetch_related(Prefetch("schedule", queryset=ScheduleItem.objects.order_by("sequence")))
    if show != "all":
        contracts = contracts.filter(cancellation__isnull=True, outstanding_amount__gt=0)
    if show == "overdue":
        contracts = contracts.filter(overdue_amount__gt=0)
    late_first = Case(
        When(cancellation__isnull=True, overdue_amount__gt=0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return contracts.order_by(late_first, "-signed_at", "-id")


def desk_rows(contracts, today: date) -> list[DeskRow]:
    """Rows for a page of ``desk_contracts`` (its schedules are prefetched)."""
    return [DeskRow(c, today, settle_in_due_order(c.schedule.all(), c.settled)) for c in contracts]

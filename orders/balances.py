"""What is still owed on a contract (DOMAIN.md §8): price − deposit − payments (refunds are
negative payments), and the schedule's items settled in due order.

Because items are settled earliest-due first, everything due before a day is settled before
anything due later: a contract is overdue on ``today`` exactly when what fell due before
``today`` exceeds what was paid. The database can answer that for many contracts at once
(``with_balances``), with no query per contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from orders.models import Contract, Payment, ScheduleItem

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class ItemBalance:
    sequence: int
    label: str
    due: date
    amount: Decimal
    paid: Decimal
    pk: int | None = None

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid

    @property
    def settled(self) -> bool:
        return self.paid >= self.amount

    def overdue_on(self, today: date) -> bool:
        """Past its due day (the due day itself is still on time) and not settled."""
        return self.due < today and not self.settled

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days if self.overdue_on(today) else 0


def paid_total(contract: Contract) -> Decimal:
    return contract.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def outstanding(contract: Contract, paid: Decimal | None = None) -> Decimal:
    """Price less the deposit credited to it (定金转房款) and every payment and refund."""
    paid = paid_total(contract) if paid is None else paid
    return contract.price - contract.subscription.deposit - paid


def settle_in_due_order(items, paid: Decimal) -> list[ItemBalance]:
    """Pure: spread what was paid over the schedule's items, earliest due first."""
    balances = []
    left = max(paid, ZERO)
    for item in sorted(items, key=lambda i: (i.due, i.sequence)):
        applied = min(left, item.amount)
        left -= applied
        balances.append(
            ItemBalance(
                item.sequence, item.label, item.due, item.amount, applied, getattr(item, "pk", None)
            )
        )
    return balances


def item_balances(contract: Contract, paid: Decimal | None = None) -> list[ItemBalance]:
    """The schedule settled by the deposit credited to it first, then by every payment."""
    paid = paid_total(contract) if paid is None else paid
    return settle_in_due_order(contract.schedule.all(), contract.subscription.deposit + paid)


def overdue_items(balances: list[ItemBalance], today: date) -> list[ItemBalance]:
    return [b for b in balances if b.overdue_on(today)]


def next_due(balances: list[ItemBalance]) -> ItemBalance | None:
    """The first item not yet settled, in due order."""
    return next((b for b in balances if not b.settled), None)


# -- many contracts at once ---------------------------------------------------------------------


def _sum_of(queryset: QuerySet) -> Coalesce:
    """A correlated SUM of ``amount`` per contract as an annotation: no join, so no row
    multiplication, and still one query for the whole list."""
    total = queryset.order_by().values("contract").annotate(total=Sum("amount"))
    return Coalesce(
        Subquery(total.values("total")[:1], output_field=MONEY_FIELD),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def with_balances(contracts: QuerySet, today: date) -> QuerySet:
    """Annotate ``paid`` (payments − refunds), ``outstanding_amount`` and ``overdue_amount``
    (what fell due before ``today`` and was not paid; ≤ 0 when nothing is late)."""
    return (
        contracts.annotate(
            paid=_sum_of(Payment.objects.filter(contract=OuterRef("pk"))),
            due_before_today=_sum_of(
                ScheduleItem.objects.filter(contract=OuterRef("pk"), due__lt=today)
            ),
        )
        .annotate(
            outstanding_amount=F("price") - F("subscription__deposit") - F("paid"),
            # What has settled the schedule so far: the deposit credited to it, then payments.
            settled=F("subscription__deposit") + F("paid"),
        )
        .annotate(
            # Refunds beyond what was handed over settle nothing.
            overdue_amount=F("due_before_today") - Greatest(F("settled"), Value(ZERO)),
        )
    )

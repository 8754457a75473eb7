"""What is still owed on a contract (DOMAIN.md §8): price − deposit − payments (refunds are
negative payments), and the schedule's items settled in due order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from orders.models import Contract

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ItemBalance:
    sequence: int
    label: str
    due: date
    amount: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


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
        balances.append(ItemBalance(item.sequence, item.label, item.due, item.amount, applied))
    return balances


def item_balances(contract: Contract) -> list[ItemBalance]:
    return settle_in_due_order(contract.schedule.all(), paid_total(contract))

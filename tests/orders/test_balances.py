from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orders.balances import settle_in_due_order


@dataclass
class Item:
    sequence: int
    label: str
    due: date
    amount: Decimal


ITEMS = [
    Item(2, "二期", date(2026, 6, 1), Decimal("300000")),
    Item(1, "首付", date(2026, 4, 1), Decimal("500000")),
]


def test_payments_settle_the_earliest_due_item_first():
    first, second = settle_in_due_order(ITEMS, Decimal("600000"))
    assert (first.label, first.outstanding) == ("首付", Decimal("0"))
    assert (second.label, second.paid, second.outstanding) == (
        "二期",
        Decimal("100000"),
        Decimal("200000"),
    )


@given(st.integers(min_value=-(10**7), max_value=2 * 10**6).map(Decimal))
def test_nothing_is_settled_twice_or_below_zero(paid):
    balances = settle_in_due_order(ITEMS, paid)
    assert all(Decimal(0) <= b.paid <= b.amount for b in balances)
    assert sum(b.paid for b in balances) == min(max(paid, Decimal(0)), Decimal("800000"))

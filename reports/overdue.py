"""Overdue payments as of a day, by age. An **overdue item** is a schedule item due before the
day asked about that the deposit and the payments do not cover when spread over the items in
due order (orders/balances.py: the schedule sums to the price, the deposit is the first money
settled), on a contract not cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, Window
from django.db.models.expressions import RowRange
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from attribution.windows import day_bounds
from orders.models import Payment, ScheduleItem
from projects.models import Project
from reports.figures import ZERO

AGING = (
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


@dataclass(frozen=True)
class OverdueItem:
    contract_id: int
    contract_number: str
    customer_id: int
    customer_name: str
    consultant: str
    sequence: int
    label: str
    due: date
    amount: Decimal
    unpaid: Decimal
    days: int


def aging_label(key: str) -> str:
    """ "1-30" → "1–30 days", "90+" → "over 90 days"."""
    if key.endswith("+"):
        return _("over %(days)s days") % {"days": key[:-1]}
    return _("%(range)s days") % {"range": key.replace("-", "–")}


@dataclass(frozen=True)
class AgingBucket:
    key: str
    items: int
    contracts: int
    amount: Decimal

    @property
    def label(self) -> str:
        return aging_label(self.key)


@dataclass
class OverdueReport:
    project: Project
    day: date
    items: list[OverdueItem]
    buckets: list[AgingBucket]
    total: AgingBucket = field(default_factory=lambda: AgingBucket("total", 0, 0, ZERO))


def _late_items(project: Project, day: date, until) -> QuerySet:
    """Every schedule item due before ``day`` on a contract signed and not cancelled by
    ``until``, with ``before`` (what the items due earlier on its contract ask) and ``paid`` (its
    deposit, then its payments less refunds made by ``until``, never below zero). One statement,
    with the ORM's window and ``Greatest``: the same on PostgreSQL and on SQLite."""
    paid = (
        Payment.objects.filter(project=project, paid_at__lt=until, contract=OuterRef("contract"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        ScheduleItem.objects.filter(
            contract__project=project, contract__signed_at__lt=until, due__lt=day
        )
        # Items due on or after the day come after these in due order: leaving them out does
        # not change what is due before each one.
        .exclude(contract__cancellation__occurred_at__lt=until)
        .annotate(
            before=Window(
                Sum("amount"),
                partition_by=[F("contract_id")],
                order_by=[F("due").asc(), F("sequence").asc()],
                frame=RowRange(start=None, end=0),
            )
            - F("amount"),
            paid=Greatest(
                F("contract__subscription__deposit")
                + Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money),
                Value(ZERO),
                output_field=money,
            ),
        )
        .values_list(
            "contract_id",
            "contract__number",
            "contract__subscription__customer_id",
            "contract__subscription__customer__name",
            "contract__subscription__consultant__first_name",
            "contract__subscription__consultant__username",
            "sequence",
            "label",
            "due",
            "amount",
            "before",
            "paid",
        )
    )


def _overdue_item(row, day: date) -> OverdueItem | None:
    """The row as an overdue item, or None when the money settled it (an item is paid up to
    what is left after the items due before it, as orders/balances.py spreads it)."""
    (contract, number, customer, name, first_name, username, sequence, label, due, amount,
     before, paid) = row  # fmt: skip
    unpaid = amount - min(max(paid - before, ZERO), amount)
    if unpaid <= 0:
        return None
    days = (day - due).days
    return OverdueItem(
        contract, number, customer, name, first_name or username, sequence, label, due,
        amount, unpaid, days,
    )  # fmt: skip


def _bucket_of(days: int) -> str:
    return next(key for key, low, high in AGING if days >= low and (high is None or days <= high))


def _buckets(items: list[OverdueItem]) -> dict[str, AgingBucket]:
    """Per aging bucket and in total: items, contracts and the unpaid sum."""
    groups: dict[str, list[OverdueItem]] = {"total": items}
    for item in items:
        groups.setdefault(_bucket_of(item.days), []).append(item)
    return {
        key: AgingBucket(
            key,
            len(group),
            len({i.contract_id for i in group}),
            sum((i.unpaid for i in group), ZERO),
        )
        for key, group in groups.items()
    }


def overdue_report(*, project: Project, day: date) -> OverdueReport:
    """Schedule items due before ``day`` and not covered by the deposit and the payments made
    by the end of it, on contracts signed and not cancelled by then. One statement, whatever
    the size."""
    until = day_bounds(day, project.tzinfo)[1]
    rows = (_overdue_item(row, day) for row in _late_items(project, day, until))
    items = sorted(
        (item for item in rows if item is not None),
        key=lambda i: (i.due, i.contract_number, i.sequence),
    )
    found = _buckets(items)
    buckets = [found.get(key, AgingBucket(key, 0, 0, ZERO)) for key, _low, _high in AGING]
    total = found.get("total", AgingBucket("total", 0, 0, ZERO))
    return OverdueReport(project, day, items, buckets, total)

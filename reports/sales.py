"""Sales and collections by local month: subscriptions and contracts (cancelled ones apart),
deposits, and **collections**: payments less refunds (refunds are negative payments) by
``paid_at``, deposits apart (they are credited to the contract, 定金转房款)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from orders.models import Payment, PaymentKind, Subscription
from projects.models import Project
from reports.figures import ZERO, cancelled_deal, live_contracts
from reports.periods import Period


@dataclass
class MonthSales:
    month: date
    subscriptions: int = 0
    subscription_amount: Decimal = ZERO
    deposits: Decimal = ZERO
    cancelled: int = 0  # the month's subscriptions cancelled since: shown, not counted
    contracts: int = 0
    contract_amount: Decimal = ZERO
    received: Decimal = ZERO
    refunded: Decimal = ZERO  # a positive amount: what went back to customers
    collected: Decimal = ZERO  # received − refunded

    def add(self, other: MonthSales) -> None:
        for name in (
            "subscriptions",
            "subscription_amount",
            "deposits",
            "cancelled",
            "contracts",
            "contract_amount",
            "received",
            "refunded",
            "collected",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SalesReport:
    project: Project
    period: Period
    months: list[MonthSales]
    total: MonthSales


def _money(expression) -> Coalesce:
    return Coalesce(expression, ZERO)


def _by_month(queryset, at: str, tz: ZoneInfo, **aggregates) -> dict[date, dict]:
    rows = queryset.annotate(month=TruncMonth(at, tzinfo=tz)).values("month")
    return {row["month"].date(): row for row in rows.annotate(**aggregates).order_by("month")}


def sales_report(*, project: Project, period: Period) -> SalesReport:
    """Per local month: subscriptions and contracts (count and amount, cancelled ones apart),
    deposits, and collections (payments less refunds). Three grouped queries; every sum is
    the database's, on Decimal columns."""
    tz = project.tzinfo
    start, end = period.bounds(tz)
    cancelled = cancelled_deal()
    subscriptions = _by_month(
        Subscription.objects.filter(project=project, occurred_at__gte=start, occurred_at__lt=end),
        "occurred_at",
        tz,
        subscriptions=Count("pk", filter=~cancelled),
        subscription_amount=_money(Sum("price", filter=~cancelled)),
        deposits=_money(Sum("deposit", filter=~cancelled)),
        cancelled=Count("pk", filter=cancelled),
    )
    contracts = _by_month(
        live_contracts(project).filter(signed_at__gte=start, signed_at__lt=end),
        "signed_at",
        tz,
        contracts=Count("pk"),
        contract_amount=_money(Sum("price")),
    )
    payments = _by_month(
        Payment.objects.filter(project=project, paid_at__gte=start, paid_at__lt=end),
        "paid_at",
        tz,
        received=_money(Sum("amount", filter=Q(kind=PaymentKind.PAYMENT))),
        refunded=_money(Sum(F("amount") * -1, filter=Q(kind=PaymentKind.REFUND))),
        collected=_money(Sum("amount")),
    )
    months = []
    for month in period.months():
        figures = MonthSales(month)
        for found in (subscriptions, contracts, payments):
            for name, value in found.get(month, {}).items():
                if name != "month":
                    setattr(figures, name, value)
        months.append(figures)
    total = MonthSales(period.first)
    for figures in months:
        total.add(figures)
    return SalesReport(project, period, months, total)

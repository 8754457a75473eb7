"""Deals as the attribution engine sees them (registered as a ledger fact source)."""

from __future__ import annotations

from collections.abc import Iterable

from attribution.facts import DealFact
from orders.models import Subscription


def deal_facts(household_ids) -> Iterable[tuple[int, DealFact]]:
    rows = Subscription.objects.filter(customer__household_id__in=household_ids).values_list(
        "id",
        "customer_id",
        "consultant__username",
        "occurred_at",
        "attributed_at",
        "entered_at",
        "owner_absent",
        "cancellation__occurred_at",
        "cancellation__entered_at",
    )
    for row in rows:
        yield row[1], DealFact(*row)


deal_facts.present = lambda ids: Subscription.objects.filter(customer__household_id__in=ids)

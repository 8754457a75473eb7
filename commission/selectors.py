"""Reads of commission shares."""

from __future__ import annotations

from commission.models import CommissionShare


def current_shares(subscription) -> list[CommissionShare]:
    """The shares in force on a subscription (``orders.Subscription``): its latest split's."""
    split = subscription.commission_splits.order_by("-entered_at", "-id").first()
    if split is None:
        return []
    return list(split.shares.select_related("consultant"))

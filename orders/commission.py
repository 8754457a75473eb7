"""Commission shares of a deal: always summing to 100 %, never negative (§6)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.commission_rules import HUNDRED, Share
from orders.models import CommissionShare, CommissionSplit, Subscription
from salesoffice.errors import DomainError

# ``Share`` lives with the pure rules (no ORM there); it is imported from here too.
__all__ = ["HUNDRED", "Share", "commission_set", "current_shares", "validate_shares"]


def validate_shares(shares: list[Share]) -> None:
    if not shares:
        raise DomainError(_("Give at least one share."), code="shares_invalid")
    if any(s.percent < 0 or s.percent > HUNDRED for s in shares):
        raise DomainError(_("Each share is between 0 and 100 %."), code="shares_invalid")
    if any(s.consultant is None and not s.channel for s in shares):
        raise DomainError(_("Each share names a consultant or a channel."), code="shares_invalid")
    if sum((s.percent for s in shares), Decimal(0)) != HUNDRED:
        raise DomainError(
            _("The shares must sum to 100 %."),
            code="shares_invalid",
            fields={"shares": [_("The shares must sum to 100 %.")]},
        )


def commission_set(
    *,
    subscription: Subscription,
    shares: list[Share],
    source: str,
    acting_user,
    step=None,
    note: str = "",
) -> CommissionSplit:
    """A new version of the deal's shares (the latest one is in force)."""
    shares = [
        Share(Decimal(s.percent).quantize(Decimal("0.01")), s.consultant, s.channel, s.role)
        for s in shares
    ]
    validate_shares(shares)
    with transaction.atomic():
        now = timezone.now()
        split = CommissionSplit.objects.create(
            subscription=subscription,
            source=source,
            step=step,
            note=note,
            entered_at=now,
            entered_by=acting_user,
        )
        CommissionShare.objects.bulk_create(
            CommissionShare(
                split=split,
                consultant=s.consultant,
                channel=s.channel,
                role=s.role,
                percent=s.percent,
                entered_at=now,
                entered_by=acting_user,
            )
            for s in shares
        )
    return split


def current_shares(subscription: Subscription) -> list[CommissionShare]:
    split = subscription.commission_splits.order_by("-entered_at", "-id").first()
    if split is None:
        return []
    return list(split.shares.select_related("consultant"))

"""Writes of commission shares: always summing to 100 %, never negative (§6)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commission.models import CommissionShare, CommissionSplit
from commission.rules import HUNDRED, Share
from salesoffice.errors import DomainError


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
    subscription_id: int,
    shares: list[Share],
    source: str,
    acting_user,
    step=None,
    note: str = "",
) -> CommissionSplit:
    """A new version of the shares of the deal (an ``orders.Subscription``, by id): the latest
    version is in force."""
    shares = [
        Share(Decimal(s.percent).quantize(Decimal("0.01")), s.consultant, s.channel, s.role)
        for s in shares
    ]
    validate_shares(shares)
    with transaction.atomic():
        now = timezone.now()
        split = CommissionSplit.objects.create(
            subscription_id=subscription_id,
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

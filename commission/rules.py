"""Commission shares at deal time (DOMAIN.md §6, A8, A10, A13) as a pure function.

No ORM, no clock: the facts of one subscription and the policy's splits in, shares out. The
parties are named by username (consultants) or channel name; the service turns usernames into
users. Shares always sum to exactly 100.00 and are never negative: amounts are cut to 2 places
and the last share of a group absorbs what rounding left over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")

# Roles a share is recorded with (CommissionShare.role).
OWNER, TAKER, HELPER, CHANNEL = "owner", "taker", "helper", "channel"


@dataclass(frozen=True)
class Share:
    """A party's percent of a deal: a consultant (a user, or a username before saving) or a
    channel by name."""

    percent: Decimal
    consultant: object | None = None
    channel: str = ""
    role: str = ""


@dataclass(frozen=True)
class DealFacts:
    """What decides the split: the verdict's owner after the deal, who took it, and how."""

    owner: str | None
    closer: str
    owner_absent: bool = False
    deposit_only: bool = False
    assisted_by: str | None = None
    collision: bool = False
    channel: str | None = None
    channel_percent: Decimal | None = None


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def consultant_ratio(facts: DealFacts, splits: Mapping[str, int]) -> list[Share]:
    """The consultants' split of the whole deal, before any channel takes its part."""
    owner = facts.owner or facts.closer
    closer, helper = facts.closer, facts.assisted_by
    if facts.collision:
        # A8: someone else closed while the owner's claim was alive and the owner was there;
        # the owner keeps 100 % until the manager rules on the dispute this opens.
        return [Share(HUNDRED, owner, role=OWNER)]
    if facts.deposit_only:
        # A10: taking a deposit or a signature for an absent owner is obligation reception.
        return [Share(HUNDRED, owner, role=OWNER)]
    if facts.owner_absent and closer != owner:
        taker = cents(Decimal(splits["owner_absent_taker_percent"]))
        return [Share(taker, closer, role=TAKER), Share(HUNDRED - taker, owner, role=OWNER)]
    if closer == owner and helper and helper != owner:
        helped = cents(Decimal(splits["helper_percent"]))
        return [Share(HUNDRED - helped, owner, role=OWNER), Share(helped, helper, role=HELPER)]
    # No helper, or an earlier registrant keeping it under A8 with nobody's claim alive.
    return [Share(HUNDRED, owner, role=OWNER)]


def scaled(shares: list[Share], total: Decimal) -> list[Share]:
    """The shares' ratio applied to ``total``; the last absorbs the rounding remainder.

    Every share but the last is rounded down, so their sum never exceeds ``total`` and the
    last one is never negative."""
    out: list[Share] = []
    given = Decimal(0)
    for share in shares[:-1]:
        part = (share.percent * total / HUNDRED).quantize(CENT, rounding=ROUND_DOWN)
        out.append(Share(part, share.consultant, share.channel, share.role))
        given += part
    last = shares[-1]
    out.append(Share(total - given, last.consultant, last.channel, last.role))
    return out


def channel_part(facts: DealFacts) -> Decimal | None:
    """A13: a channel protecting the household takes its agreement's percent (0–100)."""
    if not facts.channel or facts.channel_percent is None:
        return None
    return min(max(cents(facts.channel_percent), Decimal("0.00")), HUNDRED)


def deal_shares(facts: DealFacts, splits: Mapping[str, int]) -> list[Share]:
    """The deal's commission shares per the policy's splits (§6); shares of 0 % are dropped."""
    consultants = consultant_ratio(facts, splits)
    part = channel_part(facts)
    if part is not None:
        consultants = [
            Share(part, channel=facts.channel, role=CHANNEL),
            *scaled(consultants, HUNDRED - part),
        ]
    # A share of 0 % (a policy split of 0, a channel taking everything) is no share at all.
    return [s for s in consultants if s.percent > 0]

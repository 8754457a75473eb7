"""The attribution engine: a pure function of a household's ledger, the policy versions and a
time. No ORM, no clock: everything it needs is handed to it as frozen dataclasses.

This first version knows A1 (first valid registration); the full rulebook replaces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from attribution.policy import Policy


@dataclass(frozen=True)
class EventRef:
    type: str
    id: int
    occurred_at: datetime


@dataclass(frozen=True)
class RegistrationFact:
    id: int
    customer: int
    consultant: str
    kind: str
    occurred_at: datetime
    attributed_at: datetime
    entered_at: datetime
    valid: bool = True
    proxy: bool = False
    returning_unknown: bool = False
    quota_reached: bool = False
    mentioned: str | None = None
    referrer_owner: str | None = None
    referrer_present: bool = False
    declines_referrer_consultant: bool = False

    @property
    def ref(self) -> EventRef:
        return EventRef("registration", self.id, self.occurred_at)


@dataclass(frozen=True)
class FollowUpFact:
    id: int
    customer: int
    consultant: str
    occurred_at: datetime
    attributed_at: datetime
    entered_at: datetime

    @property
    def ref(self) -> EventRef:
        return EventRef("follow_up", self.id, self.occurred_at)


@dataclass(frozen=True)
class PolicyFact:
    number: int
    effective_at: datetime
    entered_at: datetime
    policy: Policy


@dataclass(frozen=True)
class Ledger:
    """A household's events; ``anchor`` is the customer whose side of any merge is asked about."""

    anchor: int
    registrations: tuple[RegistrationFact, ...] = ()
    follow_ups: tuple[FollowUpFact, ...] = ()


@dataclass(frozen=True)
class BasisItem:
    rule: str
    event: EventRef | None
    params: dict = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Verdict:
    owner: str | None
    status: str
    since: datetime | None
    expires_at: datetime | None
    basis: tuple[BasisItem, ...]
    policy_version: int
    channel: dict | None = None


def policy_at(policies: Sequence[PolicyFact], when: datetime, asked_at: datetime) -> PolicyFact:
    """The version in force at ``when`` among those entered by ``asked_at`` (earliest if none)."""
    known = [p for p in policies if p.entered_at <= asked_at] or list(policies[:1])
    in_force = [p for p in known if p.effective_at <= when]
    if in_force:
        return max(in_force, key=lambda p: (p.effective_at, p.number))
    return min(known, key=lambda p: (p.effective_at, p.number))


def decide(ledger: Ledger, policies: Sequence[PolicyFact], at: datetime, tz: ZoneInfo) -> Verdict:
    version = policy_at(policies, at, at)
    known = [
        r for r in ledger.registrations if r.valid and r.entered_at <= at and r.attributed_at <= at
    ]
    if not known:
        return Verdict(None, "pool", None, None, (), version.number)
    first = min(known, key=lambda r: (r.attributed_at, r.entered_at, r.id))
    basis = (BasisItem("A1", first.ref, {"consultant": first.consultant}),)
    return Verdict(first.consultant, "active", first.attributed_at, None, basis, version.number)

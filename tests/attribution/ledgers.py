"""A small language for writing households' ledgers in engine tests, without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from attribution.engine import decide
from attribution.facts import (
    AssignmentFact,
    ChannelFact,
    CorrectionFact,
    DealFact,
    DisputeFact,
    FollowUpFact,
    Ledger,
    LinkFact,
    PendingClaimFact,
    PolicyFact,
    RegistrationFact,
)
from attribution.policy import build_policy

SH = ZoneInfo("Asia/Shanghai")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def t(text: str) -> datetime:
    """``t("2026-03-02 10:00")``: a local time in Asia/Shanghai."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def policies(preset: str = "first-registration-7d", **overrides) -> tuple[PolicyFact, ...]:
    return (PolicyFact(1, EPOCH, EPOCH, build_policy(preset=preset, overrides=overrides)),)


@dataclass
class Book:
    """Facts of one or more households; each ``reg``/``follow``… returns the fact it added."""

    registrations: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    links: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    pending_claims: list = field(default_factory=list)
    deals: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    channels: list = field(default_factory=list)
    ids: count = field(default_factory=lambda: count(1))

    def reg(
        self,
        customer: int,
        consultant: str,
        when: str | datetime,
        *,
        kind: str = "visit",
        entered: str | datetime | None = None,
        **facts,
    ) -> RegistrationFact:
        when = t(when) if isinstance(when, str) else when
        entered = t(entered) if isinstance(entered, str) else (entered or when)
        fact = RegistrationFact(
            id=next(self.ids),
            customer=customer,
            consultant=consultant,
            kind=kind,
            occurred_at=facts.pop("occurred_at", when),
            attributed_at=when,
            entered_at=entered,
            **facts,
        )
        self.registrations.append(fact)
        return fact

    def follow(
        self,
        customer: int,
        consultant: str,
        when: str | datetime,
        entered: str | datetime | None = None,
    ) -> FollowUpFact:
        when = t(when) if isinstance(when, str) else when
        entered = t(entered) if isinstance(entered, str) else (entered or when)
        fact = FollowUpFact(next(self.ids), customer, consultant, when, when, entered)
        self.follow_ups.append(fact)
        return fact

    def link(self, customer: int, relative: int, when: str) -> LinkFact:
        fact = LinkFact(next(self.ids), customer, relative, t(when), t(when))
        self.links.append(fact)
        return fact

    def void(self, registration: RegistrationFact, when: str) -> CorrectionFact:
        fact = CorrectionFact(next(self.ids), registration.id, True, t(when))
        self.corrections.append(fact)
        return fact

    def pending_claim(
        self,
        customer: int,
        consultant: str,
        when: str,
        *,
        approved: bool | None = None,
        decided: str | None = None,
    ):
        fact = PendingClaimFact(
            next(self.ids), customer, consultant, t(when), approved, t(decided) if decided else None
        )
        self.pending_claims.append(fact)
        return fact

    def deal(
        self,
        customer: int,
        consultant: str,
        when: str,
        *,
        owner_absent: bool = False,
        cancelled: str | None = None,
    ) -> DealFact:
        fact = DealFact(
            next(self.ids),
            customer,
            consultant,
            t(when),
            t(when),
            t(when),
            owner_absent,
            t(cancelled) if cancelled else None,
            t(cancelled) if cancelled else None,
        )
        self.deals.append(fact)
        return fact

    def assign(
        self,
        customer: int,
        rule: str,
        consultant: str | None,
        when: str,
        entered: str | None = None,
    ) -> AssignmentFact:
        fact = AssignmentFact(
            next(self.ids), customer, rule, consultant, t(when), t(entered or when)
        )
        self.assignments.append(fact)
        return fact

    def dispute(self, opened: str, closed: str | None = None) -> DisputeFact:
        fact = DisputeFact(next(self.ids), t(opened), t(closed) if closed else None)
        self.disputes.append(fact)
        return fact

    def channel(self, name: str, agent: str, visit: str) -> ChannelFact:
        fact = ChannelFact(next(self.ids), name, agent, t(visit), t(visit))
        self.channels.append(fact)
        return fact

    def ledger(self, anchor: int = 1) -> Ledger:
        return Ledger(
            anchor=anchor,
            registrations=tuple(self.registrations),
            follow_ups=tuple(self.follow_ups),
            links=tuple(self.links),
            corrections=tuple(self.corrections),
            pending_claims=tuple(self.pending_claims),
            deals=tuple(self.deals),
            assignments=tuple(self.assignments),
            disputes=tuple(self.disputes),
            channels=tuple(self.channels),
        )

    def at(self, when: str | datetime, anchor: int = 1, policy=None):
        when = t(when) if isinstance(when, str) else when
        return decide(self.ledger(anchor), policy or policies(), when, SH)


def rules(verdict) -> list[str]:
    return [item.rule for item in verdict.basis]


ONE_SECOND = timedelta(seconds=1)

"""What the engine is told: frozen facts of one household's ledger, and its answer.

Plain dataclasses without any Django import, so the engine can be tested (and reasoned about)
without a database. Every fact carries ``entered_at``: the engine answers for a time ``at``
from the facts entered at or before ``at`` only, each placed at its attribution time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    # Recorded, and deliberately ignored: whether the visitor said it was a first visit
    # decides nothing (seed cases 7 and 12), the ledger does.
    first_visit: bool | None = None

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
class LinkFact:
    """Two customers joined into one household (A3)."""

    id: int
    customer: int
    relative: int
    attributed_at: datetime
    entered_at: datetime

    @property
    def ref(self) -> EventRef:
        return EventRef("household_link", self.id, self.attributed_at)


@dataclass(frozen=True)
class CorrectionFact:
    """A correction voiding a registration from the moment it was entered."""

    id: int
    registration: int
    void: bool
    entered_at: datetime


@dataclass(frozen=True)
class PendingClaimFact:
    """A consultant claims a pending household with evidence (A4); the manager decides."""

    id: int
    customer: int
    consultant: str
    entered_at: datetime
    approved: bool | None = None
    decided_at: datetime | None = None

    @property
    def ref(self) -> EventRef:
        return EventRef("pending_claim", self.id, self.decided_at or self.entered_at)


@dataclass(frozen=True)
class DealFact:
    """A subscription (认购) locks the household; a cancellation (退订) unlocks it."""

    id: int
    customer: int
    consultant: str
    occurred_at: datetime
    attributed_at: datetime
    entered_at: datetime
    owner_absent: bool = False
    cancelled_at: datetime | None = None
    cancel_entered_at: datetime | None = None

    @property
    def ref(self) -> EventRef:
        return EventRef("subscription", self.id, self.occurred_at)


@dataclass(frozen=True)
class AssignmentFact:
    """An act of a manager or a consultant that sets the owner from ``effective_at``.

    ``rule``: ``M`` ruling, ``A11`` reassignment, ``A14`` taken from or redistributed out of
    the pool, ``A12`` a departing consultant's claims released (``consultant`` is who left).
    """

    id: int
    customer: int
    rule: str
    consultant: str | None
    effective_at: datetime
    entered_at: datetime
    type: str = "assignment"

    @property
    def ref(self) -> EventRef:
        return EventRef(self.type, self.id, self.effective_at)


@dataclass(frozen=True)
class DisputeFact:
    id: int
    opened_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True)
class ChannelFact:
    """A channel's report confirmed by a visit (A13): protected from the first visit."""

    id: int
    channel: str
    agent: str
    visit_at: datetime
    entered_at: datetime


@dataclass(frozen=True)
class PolicyFact:
    number: int
    effective_at: datetime
    entered_at: datetime
    policy: Policy


@dataclass(frozen=True)
class Ledger:
    """A household's facts; ``anchor`` is the customer whose side of any merge is asked about."""

    anchor: int
    registrations: tuple[RegistrationFact, ...] = ()
    follow_ups: tuple[FollowUpFact, ...] = ()
    links: tuple[LinkFact, ...] = ()
    corrections: tuple[CorrectionFact, ...] = ()
    pending_claims: tuple[PendingClaimFact, ...] = ()
    deals: tuple[DealFact, ...] = ()
    assignments: tuple[AssignmentFact, ...] = ()
    disputes: tuple[DisputeFact, ...] = ()
    channels: tuple[ChannelFact, ...] = ()


@dataclass(frozen=True)
class BasisItem:
    """One rule that led to the answer, the event behind it, and the values for its sentence."""

    rule: str
    event: EventRef | None
    params: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Verdict:
    owner: str | None
    status: str
    since: datetime | None
    expires_at: datetime | None
    basis: tuple[BasisItem, ...]
    policy_version: int
    channel: dict | None = None
    last_owner: str | None = None
    deal_consultant: str | None = None

    @property
    def is_live_claim(self) -> bool:
        return self.owner is not None and self.status in ("active", "disputed")

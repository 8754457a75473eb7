"""The attribution engine (DOMAIN.md §3–§4): who owns a household, and why.

``decide(ledger, policies, at, tz)`` is a pure function: no ORM, no clock. It replays the facts
entered at or before ``at`` in the order of their attribution time (ties: entered first), keeping
one state per household-as-it-was (customers joined by A3 links merge their states at the
link), and answers for the household of ``ledger.anchor``.

A claim is alive until the first instant of local day D + W + 1 after its latest contact on
local day D ("lapse"); the API's ``expires_at`` is the second before.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from attribution.facts import (
    AssignmentFact,
    BasisItem,
    DealFact,
    EventRef,
    FollowUpFact,
    Ledger,
    LinkFact,
    PendingClaimFact,
    PolicyFact,
    RegistrationFact,
    Verdict,
)
from attribution.policy import Policy

ONE_SECOND = timedelta(seconds=1)
# At one instant: households join before anything is counted for them, then contacts, then acts.
ORDER = {
    "link": 0,
    "registration": 1,
    "follow_up": 2,
    "pending_claim": 3,
    "deal": 4,
    "deal_cancel": 5,
    "assignment": 6,
}
ESTABLISHING_RULES = ("A1", "A5", "A6")


@dataclass
class _Claim:
    owner: str
    start: datetime
    lapse: datetime
    origin: BasisItem
    last_contact: BasisItem
    days: int


@dataclass
class _Pending:
    registration: RegistrationFact
    start: datetime
    end: datetime
    item: BasisItem


@dataclass
class _Deal:
    owner: str
    at: datetime
    item: BasisItem
    fact: DealFact


@dataclass
class _Household:
    """The state of one household as it was; merged households pool their states (A3)."""

    claim: _Claim | None = None
    pending: _Pending | None = None
    deal: _Deal | None = None
    collision: BasisItem | None = None
    pool_since: datetime | None = None
    pool_item: BasisItem | None = None
    last_owner: str | None = None
    past_claims: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    registrations: list[RegistrationFact] = field(default_factory=list)
    notes: list[BasisItem] = field(default_factory=list)


class _Replay:
    def __init__(
        self, ledger: Ledger, policies: Sequence[PolicyFact], at: datetime, tz: ZoneInfo
    ) -> None:
        self.at = at
        self.tz = tz
        known = [p for p in policies if p.entered_at <= at] or list(policies[:1])
        self.policies = sorted(known, key=lambda p: (p.effective_at, p.number))
        self.effective = [p.effective_at for p in self.policies]
        self.parent: dict[int, int] = {}
        self.states: dict[int, _Household] = {}
        self._lapse_cache: dict[tuple, datetime] = {}
        for _, _, _, _, kind, fact in self._timeline(ledger):
            getattr(self, f"_on_{kind}")(fact)

    # -- time and policy --------------------------------------------------------------------

    def policy_fact(self, when: datetime) -> PolicyFact:
        if len(self.policies) == 1:  # the usual case: skip comparing aware datetimes
            return self.policies[0]
        index = bisect.bisect_right(self.effective, when) - 1
        return self.policies[max(index, 0)]

    def policy(self, when: datetime) -> Policy:
        return self.policy_fact(when).policy

    def lapse_after(self, when: datetime, days: int) -> datetime:
        """First instant no longer covered: local day of ``when`` + ``days`` + 1, 00:00."""
        day = when.astimezone(self.tz).date()
        key = (day, days)
        if key not in self._lapse_cache:
            self._lapse_cache[key] = datetime.combine(
                day + timedelta(days=days + 1), time.min, tzinfo=self.tz
            )
        return self._lapse_cache[key]

    def same_local_day(self, a: datetime, b: datetime) -> bool:
        return a.astimezone(self.tz).date() == b.astimezone(self.tz).date()

    # -- the timeline -------------------------------------------------------------------------

    def _timeline(self, ledger: Ledger) -> list[tuple]:
        at = self.at
        void = {c.registration for c in ledger.corrections if c.void and c.entered_at <= at}
        events = [
            (r.attributed_at, ORDER["registration"], r.entered_at, r.id, "registration", r)
            for r in ledger.registrations
            if r.entered_at <= at and r.valid and not r.proxy and r.id not in void
        ]
        events += [
            (f.attributed_at, ORDER["follow_up"], f.entered_at, f.id, "follow_up", f)
            for f in ledger.follow_ups
            if f.entered_at <= at
        ]
        events += [
            (link.attributed_at, ORDER["link"], link.entered_at, link.id, "link", link)
            for link in ledger.links
            if link.entered_at <= at
        ]
        events += [
            (c.decided_at, ORDER["pending_claim"], c.decided_at, c.id, "pending_claim", c)
            for c in ledger.pending_claims
            if c.approved and c.decided_at is not None and c.decided_at <= at
        ]
        for deal in ledger.deals:
            if deal.entered_at <= at:
                events.append(
                    (deal.attributed_at, ORDER["deal"], deal.entered_at, deal.id, "deal", deal)
                )
            if deal.cancel_entered_at is not None and deal.cancel_entered_at <= at:
                events.append(
                    (
                        deal.cancelled_at,
                        ORDER["deal_cancel"],
                        deal.cancel_entered_at,
                        deal.id,
                        "deal_cancel",
                        deal,
                    )
                )
        events += [
            (a.effective_at, ORDER["assignment"], a.entered_at, a.id, "assignment", a)
            for a in ledger.assignments
            if a.entered_at <= at and a.effective_at <= at
        ]
        events.sort(key=lambda e: e[:4])
        return events

    # -- households (union-find over customers) -----------------------------------------------

    def root(self, customer: int) -> int:
        parent = self.parent.setdefault(customer, customer)
        if parent != customer:
            parent = self.parent[customer] = self.root(parent)
        return parent

    def household(self, customer: int, when: datetime) -> _Household:
        state = self.states.setdefault(self.root(customer), _Household())
        self.settle(state, when)
        return state

    # -- what time alone does: claims lapse, pending periods end -------------------------------

    def settle(self, h: _Household, when: datetime) -> None:
        if h.deal is not None:
            return
        if h.pending is not None and h.pending.end <= when:
            self._resolve_pending(h)
        if h.claim is not None and h.claim.lapse <= when:
            self._lapse(
                h,
                h.claim.lapse,
                BasisItem(
                    "A2",
                    h.claim.last_contact.event,
                    {"previous": h.claim.owner, "lapsed": h.claim.lapse - ONE_SECOND},
                ),
            )

    def _resolve_pending(self, h: _Household) -> None:
        """Unclaimed at the end of the pending period: the registrant's, from the registration."""
        pending = h.pending
        h.pending = None
        registration = pending.registration
        days = self.policy(registration.attributed_at).follow_up_window_days
        item = BasisItem(
            "A4", registration.ref, {"consultant": registration.consultant, "outcome": "unclaimed"}
        )
        lapse = self.lapse_after(registration.attributed_at, days)
        h.claim = _Claim(
            registration.consultant,
            registration.attributed_at,
            max(lapse, pending.end),
            item,
            item,
            days,
        )

    def _lapse(self, h: _Household, when: datetime, why: BasisItem) -> None:
        claim = h.claim
        h.claim = None
        h.collision = None
        h.pool_since = when
        h.pool_item = why
        h.last_owner = claim.owner
        h.past_claims.append((claim.owner, claim.start, when))

    def start_claim(self, h: _Household, owner: str, when: datetime, item: BasisItem) -> None:
        days = self.policy(when).follow_up_window_days
        h.claim = _Claim(owner, when, self.lapse_after(when, days), item, item, days)
        h.pending = None
        h.pool_item = None
        h.collision = None

    def extend(self, h: _Household, when: datetime, item: BasisItem) -> None:
        """A contact by the owner: the claim lives to the latest end among its contacts."""
        days = self.policy(when).follow_up_window_days
        lapse = self.lapse_after(when, days)
        if lapse >= h.claim.lapse:
            h.claim.lapse = lapse
            h.claim.last_contact = item
            h.claim.days = days

    # -- events -------------------------------------------------------------------------------

    def _on_registration(self, r: RegistrationFact) -> None:
        when = r.attributed_at
        h = self.household(r.customer, when)
        h.registrations.append(r)
        if h.deal is not None or h.pending is not None:
            return
        policy = self.policy(when)
        if h.claim is not None:
            self._registration_on_live_claim(h, r, policy)
            return
        if r.kind == "call" and not policy.calls_establish_claim:
            return
        if r.returning_unknown:
            end = self.lapse_after(when, policy.pending_claim_days)
            item = BasisItem("A4", r.ref, {"consultant": r.consultant, "until": end - ONE_SECOND})
            h.pending = _Pending(r, when, end, item)
            h.pool_item = None
            return
        owner, rule = self.first_owner(r, policy)
        if owner == r.consultant and self.in_cooldown(h, owner, when, policy):
            h.pool_item = BasisItem("A14", r.ref, {"consultant": owner, "cooldown": True})
            return
        if owner == r.consultant and r.quota_reached:
            h.pool_item = BasisItem("A9", r.ref, {"consultant": owner})
            return
        self.start_claim(
            h,
            owner,
            when,
            BasisItem(rule, r.ref, {"consultant": owner, "kind": r.kind, "receiver": r.consultant}),
        )

    def _registration_on_live_claim(
        self, h: _Household, r: RegistrationFact, policy: Policy
    ) -> None:
        """The owner's registration is a contact; a newcomer's gets nothing (A2), except that a
        same-day collision goes to the manager when the policy says so (A1)."""
        claim = h.claim
        if r.consultant == claim.owner:
            self.extend(h, r.attributed_at, BasisItem("A2", r.ref, {"consultant": claim.owner}))
        elif (
            policy.same_day_collision == "manager"
            and claim.origin.rule in ESTABLISHING_RULES
            and claim.origin.event.type == "registration"
            and self.same_local_day(claim.start, r.attributed_at)
        ):
            h.collision = BasisItem(
                "A1", r.ref, {"consultant": r.consultant, "owner": claim.owner, "collision": True}
            )

    @staticmethod
    def first_owner(r: RegistrationFact, policy: Policy) -> tuple[str, str]:
        """Precedence with no live claim: referrer present (A6), a mention (A5, or the
        referrer's consultant named, A6), then the receiving consultant (A1)."""
        referred = r.referrer_owner and not r.declines_referrer_consultant
        if referred and (r.referrer_present or r.mentioned == r.referrer_owner):
            return r.referrer_owner, "A6"
        if r.mentioned and r.mentioned != r.consultant and policy.mention_grants_claim:
            return r.mentioned, "A5"
        return r.consultant, "A1"

    def in_cooldown(self, h: _Household, consultant: str, when: datetime, policy: Policy) -> bool:
        days = policy.pool_retake_cooldown_days
        return bool(
            days
            and h.pool_since
            and h.last_owner == consultant
            and when < self.lapse_after(h.pool_since, days)
        )

    def _on_follow_up(self, f: FollowUpFact) -> None:
        h = self.household(f.customer, f.attributed_at)
        if h.deal is None and h.claim is not None and h.claim.owner == f.consultant:
            self.extend(h, f.attributed_at, BasisItem("A2", f.ref, {"consultant": f.consultant}))

    def _on_link(self, link: LinkFact) -> None:
        first, second = self.root(link.customer), self.root(link.relative)
        if first == second:
            return
        when = link.attributed_at
        a, b = self.household(link.customer, when), self.household(link.relative, when)
        keep, other = sorted((a, b), key=self._precedence)
        superseded = self._holder(other)
        merged = keep
        merged.registrations = sorted(
            a.registrations + b.registrations, key=lambda r: (r.attributed_at, r.entered_at, r.id)
        )
        merged.past_claims = sorted(a.past_claims + b.past_claims, key=lambda c: c[1])
        merged.notes = a.notes + b.notes
        if self._holder(keep) is None and (keep.pool_since or other.pool_since):
            merged.pool_since = max(filter(None, (keep.pool_since, other.pool_since)))
            merged.last_owner = keep.last_owner or other.last_owner
            merged.pool_item = BasisItem("A3", link.ref, {"previous": merged.last_owner})
        if superseded and superseded != self._holder(keep):
            merged.notes.append(
                BasisItem(
                    "A3", link.ref, {"consultant": self._holder(keep), "previous": superseded}
                )
            )
        self.parent[second] = first
        self.states[first] = merged
        self.states.pop(second, None)

    @staticmethod
    def _holder(h: _Household) -> str | None:
        if h.deal is not None:
            return h.deal.owner
        if h.claim is not None:
            return h.claim.owner
        return h.pending.registration.consultant if h.pending else None

    @staticmethod
    def _precedence(h: _Household) -> tuple:
        """Deals first, then the earliest live claim, then a pending period, then the pool."""
        if h.deal is not None:
            return (0, h.deal.at)
        if h.claim is not None:
            return (1, h.claim.start)
        if h.pending is not None:
            return (2, h.pending.start)
        return (3, datetime.max.replace(tzinfo=ZoneInfo("UTC")))

    def _on_pending_claim(self, c: PendingClaimFact) -> None:
        h = self.household(c.customer, c.decided_at)
        if h.pending is not None:
            self.start_claim(
                h,
                c.consultant,
                c.decided_at,
                BasisItem("A4", c.ref, {"consultant": c.consultant, "outcome": "approved"}),
            )

    def _on_deal(self, d: DealFact) -> None:
        when = d.attributed_at
        h = self.household(d.customer, when)
        if h.deal is not None:
            return
        owner, params = self.deal_owner(h, d)
        h.deal = _Deal(owner, when, BasisItem("A8", d.ref, params), d)
        h.pending = None

    def deal_owner(self, h: _Household, d: DealFact) -> tuple[str, dict]:
        """A8: a live claim decides; otherwise the earlier registrant keeps it only if their
        claim was alive at the closer's first registration since the household was last free."""
        closer = d.consultant
        if h.claim is not None:
            owner = h.claim.owner
            return owner, {
                "consultant": owner,
                "closer": closer,
                "collision": owner != closer and not d.owner_absent,
            }
        previous = [c for c in h.past_claims if c[0] != closer]
        if previous:
            owner, start, lapse = previous[-1]
            earlier_lapses = [c[2] for c in h.past_claims if c[2] <= start]
            free_since = max(earlier_lapses) if earlier_lapses else None
            firsts = [
                r.attributed_at
                for r in h.registrations
                if r.consultant == closer and (free_since is None or r.attributed_at >= free_since)
            ]
            if firsts and start <= min(firsts) < lapse:
                return owner, {"consultant": owner, "closer": closer, "earlier": True}
        return closer, {"consultant": closer, "closer": closer}

    def _on_deal_cancel(self, d: DealFact) -> None:
        h = self.household(d.customer, d.cancelled_at)
        if h.deal is not None and h.deal.fact.id == d.id:
            owner = h.deal.owner
            h.deal = None
            self.start_claim(
                h,
                owner,
                d.cancelled_at,
                BasisItem(
                    "A2", EventRef("cancellation", d.id, d.cancelled_at), {"consultant": owner}
                ),
            )

    def _on_assignment(self, a: AssignmentFact) -> None:
        h = self.household(a.customer, a.effective_at)
        item = BasisItem(a.rule, a.ref, {"consultant": a.consultant, "previous": self._holder(h)})
        if a.rule == "A12":
            self._release(h, a, item)
        elif h.deal is not None:
            h.deal.owner = a.consultant or h.deal.owner
            h.deal.item = item
        elif a.consultant:
            self.start_claim(h, a.consultant, a.effective_at, item)
        else:
            h.claim, h.pending, h.collision = None, None, None
            h.pool_since, h.pool_item = a.effective_at, item

    def _release(self, h: _Household, a: AssignmentFact, item: BasisItem) -> None:
        """A12: a departing consultant's live claims without a deal go to the pool."""
        if h.deal is None and h.claim is not None and h.claim.owner == a.consultant:
            self._lapse(h, a.effective_at, item)
        elif h.pending is not None and h.pending.registration.consultant == a.consultant:
            h.pending = None
            h.pool_since, h.pool_item = a.effective_at, item

    # -- the answer ----------------------------------------------------------------------------

    def verdict(self, ledger: Ledger) -> Verdict:
        at = self.at
        h = self.household(ledger.anchor, at)
        version = self.policy_fact(at).number
        owner, status, since, expires, basis = self._standing(h)
        if h.collision is not None or self._dispute_open(ledger):
            status = "disputed"
            basis = (*basis, h.collision) if h.collision else basis
        return Verdict(
            owner=owner,
            status=status,
            since=since,
            expires_at=expires,
            basis=tuple(h.notes) + basis,
            policy_version=version,
            channel=self._channel(ledger, h),
            last_owner=h.last_owner,
            deal_consultant=h.deal.fact.consultant if h.deal else None,
        )

    def _standing(self, h: _Household) -> tuple:
        if h.deal is not None:
            origin = (h.claim.origin,) if h.claim else ()
            return h.deal.owner, "locked", h.deal.at, None, (*origin, h.deal.item)
        if h.claim is not None:
            claim = h.claim
            expires = claim.lapse - ONE_SECOND
            contact = BasisItem(
                "A2",
                claim.last_contact.event,
                {"consultant": claim.owner, "until": expires, "days": claim.days},
            )
            return claim.owner, "active", claim.start, expires, (claim.origin, contact)
        if h.pending is not None:
            return None, "pending", h.pending.start, h.pending.end - ONE_SECOND, (h.pending.item,)
        return None, "pool", h.pool_since, None, (h.pool_item,) if h.pool_item else ()

    def _dispute_open(self, ledger: Ledger) -> bool:
        return any(
            d.opened_at <= self.at and (d.closed_at is None or d.closed_at > self.at)
            for d in ledger.disputes
        )

    def _channel(self, ledger: Ledger, h: _Household) -> dict | None:
        """A13: a confirmed channel visit protects the channel for its period; a deal signed
        within it keeps the channel on the deal."""
        until = self.at if h.deal is None else h.deal.at
        for c in sorted(ledger.channels, key=lambda c: c.visit_at):
            if c.entered_at > self.at or c.visit_at > until:
                continue
            days = self.policy(c.visit_at).channel_visit_protection_days
            end = self.lapse_after(c.visit_at, days)
            if until < end:
                return {"name": c.channel, "agent": c.agent, "protected_until": end - ONE_SECOND}
        return None


def decide(ledger: Ledger, policies: Sequence[PolicyFact], at: datetime, tz: ZoneInfo) -> Verdict:
    """Who owns the household of ``ledger.anchor`` at ``at``, with status, expiry and basis."""
    return _Replay(ledger, policies, at, tz).verdict(ledger)


def policy_at(policies: Sequence[PolicyFact], when: datetime, asked_at: datetime) -> PolicyFact:
    """The version in force at ``when`` among those entered by ``asked_at``."""
    known = [p for p in policies if p.entered_at <= asked_at] or list(policies[:1])
    in_force = [p for p in known if p.effective_at <= when]
    if in_force:
        return max(in_force, key=lambda p: (p.effective_at, p.number))
    return min(known, key=lambda p: (p.effective_at, p.number))

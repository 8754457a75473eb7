"""The sales floor beyond the deals: the pipeline, the public pool, pending confirmations (A4)
and today at the front desk (the rotation, its receptions, a couple of calls)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from attribution.rotation.receptions import walk_in_receive
from attribution.rotation.roster import roster_set, rotation_status_set
from attribution.services import (
    household_take,
    households_reassign,
    pending_claim_decide,
    pending_claim_submit,
)
from customers.models import Stage
from demo.casting import Casting
from demo.clock import Calendar
from demo.deals import StageStep
from demo.history import History, RegisterStep, Track
from demo.office import Office, Step
from demo.people import People, Person
from demo.staff import CLERKS, CONSULTANTS, MANAGER, NAMES

DESK = CLERKS[1]  # the clerk at the front desk today
LOST_COUNT = 8
LOST_REASONS = (
    "预算不足，暂缓购房",
    "已在其他楼盘购房",
    "户型不满意",
    "工作调动，离开本地",
    "家人意见不统一，暂不考虑",
)
INTENT_SHARE = 0.45
# A claim lives through the 7th day after the last contact (DOMAIN.md §3): nine days of
# silence leave the customer in the pool for certain.
SILENCE = timedelta(days=9)


# -- steps -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakeStep(Step):
    """A consultant takes a customer from the public pool (A14)."""

    phone: str
    by: str

    def apply(self, office: Office) -> None:
        household_take(
            household=office.customer(self.phone).household, acting_user=office.user(self.by)
        )


@dataclass(frozen=True)
class ReassignStep(Step):
    """The manager hands households to a consultant: from the pool (A14), or away from their
    owner after a complaint (A11)."""

    phones: tuple[str, ...]
    to: str
    reason: str

    def apply(self, office: Office) -> None:
        households_reassign(
            project=office.project,
            household_ids=[office.customer(p).household_id for p in self.phones],
            consultant=office.user(self.to),
            reason=self.reason,
            acting_user=office.user(MANAGER),
        )


@dataclass(frozen=True)
class ClaimStep(Step):
    """A consultant claims a pending customer with evidence (A4)."""

    claim: str
    phone: str
    by: str
    evidence: str

    def apply(self, office: Office) -> None:
        consultant = office.user(self.by)
        claim = pending_claim_submit(
            household=office.customer(self.phone).household,
            consultant=consultant,
            evidence=self.evidence,
            acting_user=consultant,
        )
        office.keep(self.claim, claim)


@dataclass(frozen=True)
class DecisionStep(Step):
    claim: str
    reason: str

    def apply(self, office: Office) -> None:
        pending_claim_decide(
            claim=office.ref(self.claim),
            approve=True,
            reason=self.reason,
            acting_user=office.user(MANAGER),
        )


@dataclass(frozen=True)
class RosterStep(Step):
    day: date
    order: tuple[str, ...]

    def apply(self, office: Office) -> None:
        roster_set(
            project=office.project,
            date=self.day,
            usernames=list(self.order),
            acting_user=office.user(DESK),
        )


@dataclass(frozen=True)
class StatusStep(Step):
    """A consultant steps out (away) or is free again; named, or as the receiver of a walk-in."""

    state: str
    consultant: str = ""
    reception: str = ""

    def apply(self, office: Office) -> None:
        if self.reception:
            consultant = office.ref(self.reception).consultant
        else:
            consultant = office.user(self.consultant)
        rotation_status_set(
            project=office.project,
            consultant=consultant,
            state=self.state,
            acting_user=office.user(DESK),
        )


@dataclass(frozen=True)
class WalkInStep(Step):
    """接待新客户: the desk asks the rotation who receives the visitor."""

    reception: str
    phone: str

    def apply(self, office: Office) -> None:
        reception = walk_in_receive(
            project=office.project, phone=self.phone, acting_user=office.user(DESK)
        )
        office.keep(self.reception, reception)


# -- the pipeline --------------------------------------------------------------------------------


def plan_pipeline(casting: Casting, rng: random.Random, now: datetime) -> list[Step]:
    """Among the customers no story took: some lost after the first follow-up (with a reason),
    many marked with intent after their first visit, negotiating when they came back."""
    tracks = list(casting.free)
    lost = [t for t in tracks if t.follow_ups][:LOST_COUNT]
    steps = [lost_after_follow_up(casting, t, rng) for t in lost]
    for track in tracks:
        if track in lost or track.first.kind != "visit" or rng.random() > INTENT_SHARE:
            continue
        steps.append(moved(track.first, Stage.INTENT))
        if track.return_visit:
            steps.append(moved(track.return_visit, Stage.NEGOTIATING))
    # The last evening's moves could fall after now: those are simply not made yet.
    return [s for s in steps if s.entered_at <= now - timedelta(minutes=1)]


def moved(contact: RegisterStep, stage: str) -> StageStep:
    return StageStep(
        contact.entered_at + timedelta(minutes=8), contact.phone, stage, contact.consultant
    )


def lost_after_follow_up(casting: Casting, track: Track, rng: random.Random) -> StageStep:
    follow_up = track.follow_ups[0]
    at = follow_up.entered_at + timedelta(minutes=5)
    casting.quiet(track, at)  # nobody follows up a lost customer
    return StageStep(at, track.person.phone, Stage.LOST, track.consultant, rng.choice(LOST_REASONS))


# -- the pool ------------------------------------------------------------------------------------


def plan_pool(cal: Calendar, casting: Casting, rng: random.Random) -> list[Step]:
    """A take from the pool, a redistribution of three lapsed customers, and a complaint."""
    take_at, share_at, complaint_at = cal.at(3, "15:00"), cal.at(2, "16:00"), cal.at(4, "11:00")
    taken = casting.pick(first=(12, 30), kind=None, silent_since=take_at - SILENCE)
    lapsed = [
        casting.pick(first=(12, 30), kind=None, silent_since=share_at - SILENCE) for _ in range(3)
    ]
    complained = casting.pick(first=(5, 8))  # a claim alive at the complaint
    casting.quiet(complained, complaint_at)
    newcomer = rng.choice([c for c in CONSULTANTS if c != complained.consultant])
    return [
        TakeStep(take_at, taken.person.phone, colleague(rng, taken.consultant)),
        ReassignStep(
            share_at,
            tuple(t.person.phone for t in lapsed),
            colleague(rng, ""),
            "二次分配：超过一周无人跟进的公共客户",
        ),
        ReassignStep(
            complaint_at,
            (complained.person.phone,),
            newcomer,
            f"客户投诉原顾问回复不及时，经核实改由{NAMES[newcomer]}跟进",
        ),
    ]


def colleague(rng: random.Random, username: str) -> str:
    return rng.choice([c for c in CONSULTANTS if c != username])


# -- pending confirmations (A4) -------------------------------------------------------------------


def plan_pending(cal: Calendar, people: People, rng: random.Random) -> list[Step]:
    """Two returning visitors nobody could find: one claimed and approved, one waiting."""
    steps: list[Step] = []
    for name, came, claimed, decided in (
        ("P-approved", cal.at(5, "14:00"), cal.at(4, "10:00"), cal.at(4, "15:00")),
        ("P-waiting", cal.at(1, "15:00"), cal.at(0, "09:30"), None),
    ):
        registrant = rng.choice(CONSULTANTS)
        claimant = colleague(rng, registrant)
        person = people.person()
        steps += [
            pending_visit(person, came, registrant),
            ClaimStep(
                claimed,
                name,
                person.phone,
                claimant,
                "客户上月来电咨询由我接听，有通话记录和微信聊天记录为证",
            ),
        ]
        if decided:
            steps.append(DecisionStep(decided, name, "经核对微信聊天记录属实，认定归属"))
    return steps


def pending_visit(person: Person, came: datetime, consultant: str) -> RegisterStep:
    return RegisterStep(
        entered_at=came + timedelta(minutes=8),
        entered_by=consultant,
        consultant=consultant,
        kind="visit",
        occurred_at=came,
        name=person.name,
        gender=person.gender,
        phone=person.phone,
        first_visit=False,
        returning_unknown=True,
        source="老客户",
        note="客户称以前来过，记不清顾问姓名，前台查无记录",
    )


# -- today at the front desk --------------------------------------------------------------------


def plan_today(cal: Calendar, history: History, casting: Casting, rng: random.Random):
    """The roster, one consultant out, three walk-ins by rotation (one never registered), a
    returning customer received by their own consultant, and two calls."""
    order = list(CONSULTANTS)
    rng.shuffle(order)
    away = order[0]  # the first walk-in passes them over: they lose the turn (轮空)
    returning = casting.pick(first=(1, 5), not_by=(away,))
    casting.quiet(returning, cal.today_at("10:20"))
    callers = [casting.pick(first=(2, 6), kind=None) for _ in range(2)]
    people = history.people
    return [
        RosterStep(cal.today_at("08:30"), cal.today, tuple(order)),
        StatusStep(cal.today_at("08:45"), "away", consultant=away),
        *walk_in(cal, "walk-in-1", people.person(), ("09:40", "09:48", "10:15")),
        call(cal, casting, callers[0], ("09:55", "09:58"), "来电询问贷款政策"),
        *walk_in(cal, "returning", returning.person, ("10:20", "10:27", "10:55"), returning),
        *walk_in(cal, "walk-in-2", people.person(), ("11:05", "11:12", "11:40")),
        call(cal, casting, callers[1], ("11:20", "11:23"), "来电确认周末样板间开放时间"),
        WalkInStep(cal.today_at("11:35"), "walk-in-3", people.phone()),  # never registered
    ]


def walk_in(cal: Calendar, name: str, person: Person, times, track: Track | None = None):
    """Received by the rotation (a returning customer by their own consultant), registered by
    whoever received them, who is free again when the visitor leaves."""
    came, entered, done = (cal.today_at(t) for t in times)
    owner = track.consultant if track else ""
    return [
        WalkInStep(came, name, person.phone),
        RegisterStep(
            entered_at=entered,
            entered_by="",
            consultant="",
            kind="visit",
            occurred_at=came,
            name=person.name,
            gender=person.gender,
            phone=person.phone,
            first_visit=not owner,
            mentioned=owner,
            reception=name,
            source="" if owner else "自然来访",
            note=f"老客户再次到访，指名{NAMES[owner]}" if owner else "首次到访，由轮序接待",
        ),
        StatusStep(done, "free", reception=name),
    ]


def call(cal: Calendar, casting: Casting, track: Track, times, note: str) -> RegisterStep:
    """A customer calls their consultant back (a contact: it keeps the claim alive)."""
    came, entered = (cal.today_at(t) for t in times)
    casting.quiet(track, came)
    person = track.person
    return RegisterStep(
        entered_at=entered,
        entered_by=track.consultant,
        consultant=track.consultant,
        kind="call",
        occurred_at=came,
        name=person.name,
        gender=person.gender,
        phone=person.phone,
        mentioned=track.consultant,
        note=note,
    )

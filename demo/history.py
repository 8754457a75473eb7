"""The demo month's ledger: visits, calls and follow-ups, planned before anything is written.

Each customer's month is a ``Track`` (first contact, follow-ups, maybe a return visit), so that
the sales stories can cast customers whose past fits them. Everything is drawn from one seeded
``random.Random`` in the project's local time, and nothing is later than ``now``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from customers.models import Customer
from demo.office import Office, Step
from demo.people import People, Person
from demo.staff import CLERKS, CONSULTANTS
from desk.services import RegistrationInput, follow_up_create, registration_create

HISTORY_DAYS = 30
SOURCES = ("自然来访", "朋友介绍", "网络广告", "户外广告", "路过", "老业主推荐", "短信")
VISIT_NOTES = (
    "关注三居室，预算200万左右",
    "首次置业，关注学区",
    "改善型需求，想要大面积",
    "看了样板间，对户型满意",
    "关注首付比例和贷款政策",
    "为父母看房，要求低楼层",
    "比较了周边楼盘，价格敏感",
)
CALL_NOTES = ("来电咨询价格", "来电询问开盘时间", "来电咨询户型面积", "看到广告来电")
FOLLOW_UP_NOTES = {
    "phone": ("电话回访，客户考虑中", "邀约周末看样板间", "客户询问优惠政策"),
    "wechat": ("微信发送户型图", "微信发送价格表", "微信沟通贷款方案"),
    "sms": ("短信通知开盘活动",),
    "visit": ("客户再次到访看房",),
}
HOURS = {"visit": (time(9, 0), time(17, 30)), "call": (time(9, 0), time(20, 0))}


@dataclass(frozen=True)
class RegisterStep(Step):
    entered_by: str  # "" when the consultant enters it themself at the desk
    consultant: str  # "" when the rotation's reception decides who received the visitor
    kind: str
    occurred_at: datetime
    name: str
    gender: str
    phone: str
    first_visit: bool | None = None
    mentioned: str = ""
    relation_phone: str = ""
    relation_kind: str = ""
    returning_unknown: bool = False
    reception: str = ""  # the name of the walk-in (a ``WalkInStep``) this registers
    source: str = ""
    note: str = ""

    def apply(self, office: Office) -> None:
        reception = office.ref(self.reception) if self.reception else None
        consultant = reception.consultant if reception else office.user(self.consultant)
        data = RegistrationInput(
            kind=self.kind,
            occurred_at=self.occurred_at,
            consultant=consultant,
            name=self.name,
            gender=self.gender,
            phone=self.phone,
            first_visit=self.first_visit,
            mentioned_consultant=office.users.get(self.mentioned),
            relation_phone=self.relation_phone,
            relation_kind=self.relation_kind,
            returning_unknown=self.returning_unknown,
            reception=reception.pk if reception else None,
            source=self.source,
            note=self.note,
        )
        entered_by = office.user(self.entered_by) if self.entered_by else consultant
        registration_create(project=office.project, data=data, acting_user=entered_by)


@dataclass(frozen=True)
class FollowUpStep(Step):
    entered_by: str
    consultant: str
    phone: str
    occurred_at: datetime
    channel: str
    note: str

    def apply(self, office: Office) -> None:
        follow_up_create(
            customer=Customer.objects.get(project=office.project, phone=self.phone),
            consultant=office.user(self.consultant),
            occurred_at=self.occurred_at,
            channel=self.channel,
            note=self.note,
            acting_user=office.user(self.entered_by),
        )


@dataclass
class Track:
    """One customer's month as planned: what the stories read to cast them."""

    person: Person
    first: RegisterStep
    follow_ups: list[FollowUpStep] = field(default_factory=list)
    return_visit: RegisterStep | None = None
    collision: RegisterStep | None = None
    family: bool = False
    nameless_call: bool = False

    @property
    def simple(self) -> bool:
        """Only their own consultant ever dealt with them: the engine's answer is plain."""
        return not (self.collision or self.family or self.nameless_call)

    @property
    def consultant(self) -> str:
        return self.first.consultant

    @property
    def contacts(self) -> list[datetime]:
        visits = [self.first, *([self.return_visit] if self.return_visit else [])]
        return sorted([s.occurred_at for s in visits] + [f.occurred_at for f in self.follow_ups])


@dataclass
class History:
    people: People
    planner: Planner
    tracks: list[Track]
    others: list[Step]  # collisions, relatives and the sheets' defective rows

    def steps(self, quiet_after: dict[str, datetime] | None = None) -> list[Step]:
        """Every step; a customer in ``quiet_after`` has no follow-up or return visit from
        then on (their story takes over: a buyer is not "still considering" after buying)."""
        quiet_after = quiet_after or {}
        steps: list[Step] = list(self.others)
        for track in self.tracks:
            cutoff = quiet_after.get(track.person.phone)
            later = [*track.follow_ups, *([track.return_visit] if track.return_visit else [])]
            steps += [track.first] + [s for s in later if cutoff is None or s.occurred_at < cutoff]
        return steps


class Planner:
    """Draws the month's events in the project's local time; nothing later than ``now``."""

    def __init__(self, *, now: datetime, tz: ZoneInfo, rng: random.Random) -> None:
        self.now, self.tz, self.rng = now, tz, rng
        self.latest = now - timedelta(minutes=30)
        self.consultants = list(CONSULTANTS)
        self.clerks = list(CLERKS)

    def moment(self, day: date, hours: tuple[time, time]) -> datetime:
        start = datetime.combine(day, hours[0], self.tz)
        minutes = (datetime.combine(day, hours[1], self.tz) - start) // timedelta(minutes=1)
        return start + timedelta(minutes=self.rng.randrange(minutes))

    def day_ago(self) -> date:
        """Weekends bring twice the visitors, as in any sales office."""
        today = self.now.astimezone(self.tz).date()
        days = [today - timedelta(days=n) for n in range(1, HISTORY_DAYS + 1)]
        return self.rng.choices(days, weights=[2 if d.weekday() >= 5 else 1 for d in days])[0]

    def later(self, after: datetime, days: tuple[int, int], kind: str = "call") -> datetime:
        day = after.astimezone(self.tz).date() + timedelta(days=self.rng.randint(*days))
        return self.moment(day, HOURS[kind])

    def entry(self, occurred: datetime, consultant: str) -> tuple[datetime, str]:
        """Consultants enter most contacts minutes later; clerks enter the sheets that evening."""
        if self.rng.random() < 0.6:
            entered, by = occurred + timedelta(minutes=self.rng.randint(2, 20)), consultant
        else:
            evening = datetime.combine(occurred.astimezone(self.tz).date(), time(19, 30), self.tz)
            entered = max(evening, occurred + timedelta(minutes=5))
            entered += timedelta(minutes=self.rng.randint(0, 90))
            by = self.rng.choice(self.clerks)
        return min(entered, self.now - timedelta(minutes=1)), by

    def registration(self, person: Person, occurred: datetime, kind: str, consultant: str, **extra):
        entered_at, by = self.entry(occurred, consultant)
        extra.setdefault("note", self.rng.choice(VISIT_NOTES if kind == "visit" else CALL_NOTES))
        return RegisterStep(
            entered_at=entered_at,
            entered_by=by,
            consultant=consultant,
            kind=kind,
            occurred_at=occurred,
            name=person.name,
            gender=person.gender,
            phone=person.phone,
            **extra,
        )

    def first_contact(self, person: Person) -> RegisterStep:
        kind = "visit" if self.rng.random() < 0.7 else "call"
        return self.registration(
            person,
            self.moment(self.day_ago(), HOURS[kind]),
            kind,
            self.rng.choice(self.consultants),
            first_visit=True if kind == "visit" else None,
            source=self.rng.choice(SOURCES),
        )

    def follow_ups(self, first: RegisterStep) -> list[FollowUpStep]:
        steps, last = [], first.occurred_at
        for _ in range(self.rng.choices((0, 1, 2, 3), weights=(3, 4, 2, 1))[0]):
            last = self.later(last, (1, 6))
            if last > self.latest:
                break
            channel = self.rng.choices(("phone", "wechat", "sms", "visit"), (9, 8, 2, 1))[0]
            steps.append(
                FollowUpStep(
                    entered_at=last + timedelta(minutes=self.rng.randint(1, 30)),
                    entered_by=first.consultant,
                    consultant=first.consultant,
                    phone=first.phone,
                    occurred_at=last,
                    channel=channel,
                    note=self.rng.choice(FOLLOW_UP_NOTES[channel]),
                )
            )
        return steps

    def return_visit(self, person: Person, first: RegisterStep) -> RegisterStep | None:
        """The customer comes back and asks for their consultant by name (指名)."""
        occurred = self.later(first.occurred_at, (2, 10), "visit")
        if occurred > self.latest:
            return None
        return self.registration(
            person,
            occurred,
            "visit",
            first.consultant,
            first_visit=False,
            mentioned=first.consultant,
            note="再次到访，指名原顾问",
        )

    def collision(self, person: Person, first: RegisterStep) -> RegisterStep | None:
        """Another consultant receives the customer, who does not say they came before (撞单)."""
        occurred = self.later(first.occurred_at, (3, 14), "visit")
        others = [c for c in self.consultants if c != first.consultant]
        if occurred > self.latest:
            return None
        return self.registration(
            person, occurred, "visit", self.rng.choice(others), note="客户未提及曾来访"
        )

    def relative(self, person: Person, first: RegisterStep, kind: str, other_consultant: bool):
        """A spouse or parent, registered with ``relation_phone`` so the households join (A3)."""
        together = first.kind == "visit" and not other_consultant
        if together:
            occurred = first.occurred_at + timedelta(minutes=3)
        else:
            occurred = self.later(first.occurred_at, (1, 8), "visit")
        if occurred > self.latest:
            occurred = first.occurred_at + timedelta(minutes=3)
        consultant = first.consultant
        if other_consultant:
            consultant = self.rng.choice([c for c in self.consultants if c != first.consultant])
        step = self.registration(
            person,
            occurred,
            "visit",
            consultant,
            first_visit=True,
            relation_phone=first.phone,
            relation_kind=kind,
            note="配偶同行" if kind == "spouse" else "陪子女看房",
        )
        # Entered with (or after) the relative it points to, never before it exists.
        return replace(
            step, entered_at=max(step.entered_at, first.entered_at + timedelta(minutes=1))
        )

    def invalid(self, phone: str, name: str, gender: str, note: str) -> RegisterStep:
        """A sheet row with a defect: kept, marked invalid, establishing nothing."""
        kind = self.rng.choice(("visit", "call"))
        occurred = self.moment(self.day_ago(), HOURS[kind])
        return self.registration(
            Person(name, gender, phone),
            occurred,
            kind,
            self.rng.choice(self.consultants),
            note=note,
        )


def relative_of(people: People, person: Person, kind: str) -> Person:
    if kind == "spouse":
        return people.person(gender="F" if person.gender == "M" else "M")
    return people.person(gender="M", surname=person.surname)


def plan_history(
    *, now: datetime, tz: ZoneInfo, rng: random.Random, customers: int, families: int
) -> History:
    """The month: ``customers`` people in all, ``families`` of them a relative of another."""
    people = People(rng)
    planner = Planner(now=now, tz=tz, rng=rng)
    persons = [people.person() for _ in range(customers - families)]
    tracks = [Track(p, planner.first_contact(p)) for p in persons]
    for track in tracks:
        track.follow_ups = planner.follow_ups(track.first)
        if rng.random() < 0.15:
            track.return_visit = planner.return_visit(track.person, track.first)
    for index in rng.sample(range(len(tracks)), 6):
        tracks[index].collision = planner.collision(tracks[index].person, tracks[index].first)
    others: list[Step] = [t.collision for t in tracks if t.collision]
    for n, index in enumerate(rng.sample(range(len(tracks)), families)):
        kind = "spouse" if n % 4 else "parent"
        track = tracks[index]
        relative = relative_of(people, track.person, kind)
        others.append(planner.relative(relative, track.first, kind, other_consultant=n < 3))
        track.family = True
    others += invalid_rows(planner, people, rng, tracks)
    return History(people, planner, tracks, others)


def invalid_rows(planner: Planner, people: People, rng, tracks: list[Track]) -> list[Step]:
    """Eight defective rows, as the sheets have: no phone, a wrong number, a caller without name."""
    rows = [planner.invalid("", people.person().name, "", "客户拒留电话") for _ in range(3)]
    for bad in ("1381234567", "0335-8061234", "139 0335"):
        rows.append(planner.invalid(bad, people.person().name, "", "号码记录有误"))
    for index in rng.sample(range(len(tracks)), 2):
        track = tracks[index]
        occurred = planner.later(track.first.occurred_at, (1, 5))
        if occurred <= planner.latest:
            nameless = Person("", "", track.person.phone)
            rows.append(
                planner.registration(nameless, occurred, "call", track.consultant, note="未留姓名")
            )
            track.nameless_call = True
    return rows

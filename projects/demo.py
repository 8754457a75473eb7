"""The demo sales office of ``make run``: 和玺一期 (HX01), its staff and a month of history.

Every fact is written through the real services, so the demo ledger is one the application could
have produced itself. The history is *replayed on a simulated clock*: while each step runs,
``django.utils.timezone.now`` is patched to that step's entry time, so ``entered_at`` reads as if a
consultant had entered the visit minutes after it, or a clerk had entered the paper sheet that
evening. Without it every past visit would be "entered now", more than ``max_entry_delay_hours``
late, and be attributed at today's time: a month squashed into one instant. The data is fiction
either way; the simulated clock keeps it consistent with the rules it demonstrates.

Running it again is a no-op: the project code marks the demo as present.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from attribution import jobs
from customers.models import Customer, FollowUp, HouseholdLink, Registration
from customers.services import RegistrationInput, follow_up_create, registration_create
from projects.models import Project
from projects.services import project_create, staff_create

User = get_user_model()

PROJECT_CODE = "HX01"
PROJECT_NAME = "和玺一期"
PROJECT_TIMEZONE = "Asia/Shanghai"
COMPANY_NAME = "秦皇岛和玺房地产开发有限公司"
POLICY_PRESET = "first-registration-7d"
PASSWORD = "demo12345"
CUSTOMER_COUNT = 300
FAMILY_COUNT = 24
HISTORY_DAYS = 30
# Fixed, so that every developer's demo holds the same people and stories (relative to today).
SEED = 20261122


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    channel_name: str = ""


ADMIN = Login("superuser", "admin", "系统管理员")
STAFF = (
    Login("manager", "zhangjian", "张建"),
    Login("consultant", "wangfang", "王芳"),
    Login("consultant", "liqiang", "李强"),
    Login("consultant", "zhaomin", "赵敏"),
    Login("consultant", "chenhao", "陈浩"),
    Login("consultant", "yangxue", "杨雪"),
    Login("consultant", "huangwei", "黄伟"),
    Login("clerk", "linjing", "林静"),
    Login("clerk", "xuli", "徐丽"),
    Login("finance", "liuyan", "刘燕"),
    Login("channel", "zhoupeng", "周鹏", channel_name="安居房产经纪"),
)
TITLES = {
    "superuser": "系统管理员",
    "manager": "销售经理",
    "consultant": "置业顾问",
    "clerk": "内业",
    "finance": "财务",
    "channel": "渠道经纪人",
}

# ------------------------------------------------------------------------------
# People: common surnames first (they are drawn with decreasing weight)
# ------------------------------------------------------------------------------
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = {
    "M": "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊帆旭宁龙林洋波峰亮鑫博文志国建成东海振",
    "F": "芳娜敏静丽艳娟霞秀玲燕婷雪慧莉琳颖倩洁萍红梅丹晶欣悦佳怡蕾璐瑶琪薇月玉兰凤春云",
}
MOBILE_PREFIXES = tuple(
    f"1{n}" for n in (30, 31, 32, 33, 35, 36, 37, 38, 39, 50, 51, 52, 55, 56, 57, 58, 59)
) + tuple(f"1{n}" for n in (66, 77, 78, 80, 81, 82, 83, 85, 86, 87, 88, 89, 91, 98, 99))
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
class Person:
    name: str
    gender: str
    phone: str

    @property
    def surname(self) -> str:
        return self.name[0]


class People:
    """Chinese names and distinct mobile numbers (1[3-9] + 9 digits)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.weights = [1 / (rank + 4) for rank in range(len(SURNAMES))]

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def person(self, gender: str | None = None, surname: str | None = None) -> Person:
        gender = gender or self.rng.choice("MF")
        surname = surname or self.rng.choices(SURNAMES, weights=self.weights)[0]
        length = 1 if self.rng.random() < 0.35 else 2
        given = "".join(self.rng.choice(GIVEN[gender]) for _ in range(length))
        return Person(surname + given, gender, self.phone())


# ------------------------------------------------------------------------------
# The plan: what happened and when it was entered, before anything is written
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterStep:
    entered_at: datetime
    entered_by: str
    consultant: str
    kind: str
    occurred_at: datetime
    name: str
    gender: str
    phone: str
    first_visit: bool | None = None
    mentioned: str = ""
    relation_phone: str = ""
    relation_kind: str = ""
    source: str = ""
    note: str = ""

    def apply(self, project: Project, users: dict) -> None:
        data = RegistrationInput(
            kind=self.kind,
            occurred_at=self.occurred_at,
            consultant=users[self.consultant],
            name=self.name,
            gender=self.gender,
            phone=self.phone,
            first_visit=self.first_visit,
            mentioned_consultant=users.get(self.mentioned),
            relation_phone=self.relation_phone,
            relation_kind=self.relation_kind,
            source=self.source,
            note=self.note,
        )
        registration_create(project=project, data=data, acting_user=users[self.entered_by])


@dataclass(frozen=True)
class FollowUpStep:
    entered_at: datetime
    entered_by: str
    consultant: str
    phone: str
    occurred_at: datetime
    channel: str
    note: str

    def apply(self, project: Project, users: dict) -> None:
        follow_up_create(
            customer=Customer.objects.get(project=project, phone=self.phone),
            consultant=users[self.consultant],
            occurred_at=self.occurred_at,
            channel=self.channel,
            note=self.note,
            acting_user=users[self.entered_by],
        )


class Planner:
    """Draws the month's events in the project's local time; nothing later than ``now``."""

    def __init__(self, *, now: datetime, tz: ZoneInfo, rng: random.Random) -> None:
        self.now, self.tz, self.rng = now, tz, rng
        self.latest = now - timedelta(minutes=30)
        self.consultants = [s.username for s in STAFF if s.role == "consultant"]
        self.clerks = [s.username for s in STAFF if s.role == "clerk"]

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
        entered_at = max(step.entered_at, first.entered_at + timedelta(minutes=1))
        return RegisterStep(**{**step.__dict__, "entered_at": entered_at})

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


def plan_history(*, now: datetime, tz: ZoneInfo, rng: random.Random) -> list:
    """Every step of the demo month, in entry order."""
    people = People(rng)
    planner = Planner(now=now, tz=tz, rng=rng)
    persons = [people.person() for _ in range(CUSTOMER_COUNT - FAMILY_COUNT)]
    firsts = [planner.first_contact(p) for p in persons]
    steps: list = list(firsts)
    for person, first in zip(persons, firsts, strict=True):
        steps += planner.follow_ups(first)
        if rng.random() < 0.15:
            steps.append(planner.return_visit(person, first))
    for index in rng.sample(range(len(persons)), 6):
        steps.append(planner.collision(persons[index], firsts[index]))
    for n, index in enumerate(rng.sample(range(len(persons)), FAMILY_COUNT)):
        kind = "spouse" if n % 4 else "parent"
        relative = relative_of(people, persons[index], kind)
        steps.append(planner.relative(relative, firsts[index], kind, other_consultant=n < 3))
    steps += invalid_rows(planner, people, rng, persons, firsts)
    return sorted((s for s in steps if s is not None), key=lambda s: s.entered_at)


def invalid_rows(planner: Planner, people: People, rng, persons, firsts) -> list[RegisterStep]:
    """Eight defective rows, as the sheets have: no phone, a wrong number, a caller without name."""
    rows = [planner.invalid("", people.person().name, "", "客户拒留电话") for _ in range(3)]
    for bad in ("1381234567", "0335-8061234", "139 0335"):
        rows.append(planner.invalid(bad, people.person().name, "", "号码记录有误"))
    for index in rng.sample(range(len(persons)), 2):
        occurred = planner.later(firsts[index].occurred_at, (1, 5))
        if occurred <= planner.latest:
            nameless = Person("", "", persons[index].phone)
            consultant = firsts[index].consultant
            rows.append(
                planner.registration(nameless, occurred, "call", consultant, note="未留姓名")
            )
    return rows


# ------------------------------------------------------------------------------
# Writing it
# ------------------------------------------------------------------------------
class SimulatedClock:
    """Stands in for ``django.utils.timezone.now`` while the history is replayed."""

    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when.astimezone(UTC)


@contextmanager
def simulated_clock(start: datetime) -> Iterator[SimulatedClock]:
    clock = SimulatedClock(start)
    with mock.patch("django.utils.timezone.now", new=clock):
        yield clock


def admin_create(password_hash: str):
    admin = User.objects.filter(username=ADMIN.username).first()
    if admin is None:
        admin = User(username=ADMIN.username, first_name=ADMIN.name, password=password_hash)
        admin.is_staff = admin.is_superuser = True
        admin.save()
    return admin


def staff_create_all(*, project: Project, admin, password_hash: str, joined: datetime) -> dict:
    users = {}
    for login in STAFF:
        is_new = not User.objects.filter(username=login.username).exists()
        user = staff_create(
            project=project,
            username=login.username,
            name=login.name,
            role=login.role,
            channel_name=login.channel_name,
            acting_user=admin,
        )
        if is_new:
            # One hash for every demo account: PBKDF2 costs ~0.4 s a hash, 4 s for the staff.
            user.password, user.date_joined = password_hash, joined
            user.save(update_fields=["password", "date_joined"])
        users[login.username] = user
    return users


def scheduled_jobs_catch_up(now: datetime) -> None:
    """What beat would have done during the month: claims that ended since their last contact
    are in the pool today, and pending periods that ended are decided."""
    jobs.claims_lapse(now=now)
    jobs.pending_resolve(now=now)


def demo_project() -> Project | None:
    return Project.objects.filter(code=PROJECT_CODE).first()


def demo_counts(project: Project) -> dict[str, int]:
    registrations = Registration.objects.filter(project=project)
    return {
        "customers": Customer.objects.filter(project=project).count(),
        "registrations": registrations.count(),
        "invalid registrations": registrations.filter(valid=False).count(),
        "follow-ups": FollowUp.objects.filter(project=project).count(),
        "family links": HouseholdLink.objects.filter(project=project).count(),
    }


@dataclass(frozen=True)
class SeedResult:
    created: bool
    counts: dict[str, int]


def seed_demo(*, now: datetime | None = None, seed: int = SEED) -> SeedResult:
    """Creates the demo project with its staff and history, unless it is already there."""
    existing = demo_project()
    if existing is not None:
        return SeedResult(created=False, counts=demo_counts(existing))
    now = now or timezone.now()
    steps = plan_history(now=now, tz=ZoneInfo(PROJECT_TIMEZONE), rng=random.Random(seed))
    # The project and its staff exist the day before the first visitor.
    opened = steps[0].entered_at - timedelta(days=1)
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        with simulated_clock(opened) as clock:
            admin = admin_create(password_hash)
            project = project_create(
                code=PROJECT_CODE,
                name=PROJECT_NAME,
                timezone=PROJECT_TIMEZONE,
                company_name=COMPANY_NAME,
                policy={"preset": POLICY_PRESET},
                acting_user=admin,
            )
            users = staff_create_all(
                project=project, admin=admin, password_hash=password_hash, joined=opened
            )
            for step in steps:
                clock.set(step.entered_at)
                step.apply(project, users)
        scheduled_jobs_catch_up(now)
    return SeedResult(created=True, counts=demo_counts(project))


# ------------------------------------------------------------------------------
# Showing the logins
# ------------------------------------------------------------------------------
def logins() -> list[Login]:
    return [ADMIN, *STAFF]


def width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def logins_table() -> str:
    header = ("role", "title", "username", "password", "name")
    rows = [header] + [(x.role, TITLES[x.role], x.username, PASSWORD, x.name) for x in logins()]
    widths = [max(width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

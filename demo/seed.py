"""Writing the demo: the project and its staff, then every planned step in entry order, each
through its real service with the simulated clock standing at its entry time."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from aftersales import jobs as aftersales_jobs
from aftersales.models import Ticket, Visit
from attribution import jobs
from attribution.models import Reception, RosterEntry
from attribution.setup import project_create
from channels import jobs as channel_jobs
from channels.models import ChannelReport
from customers.models import Customer, FollowUp, HouseholdLink, Registration, StageChange
from demo.aftercare import plan_aftercare
from demo.casting import Casting
from demo.channels import plan_channels
from demo.clock import Calendar, simulated_clock
from demo.conflicts import plan_open_dispute
from demo.floor import plan_pending, plan_pipeline, plan_pool, plan_today
from demo.history import HISTORY_DAYS, plan_history
from demo.inventory import plan_units
from demo.office import Office, Step
from demo.sales import SalesPlan, plan_sales
from demo.staff import ADMIN, PASSWORD, STAFF
from disputes.models import Dispute
from handover.models import KeyHandover, PayoffCertificate
from orders.models import Contract, Payment, Subscription, Unit
from orders.overdue import payments_overdue_notify
from projects.models import Project
from projects.services import staff_create
from reports.jobs import daily_summaries_send

User = get_user_model()

PROJECT_CODE = "HX01"
PROJECT_NAME = "和玺一期"
PROJECT_TIMEZONE = "Asia/Shanghai"
COMPANY_NAME = "秦皇岛和玺房地产开发有限公司"
POLICY_PRESET = "first-registration-7d"
CUSTOMER_COUNT = 300
FAMILY_COUNT = 24
# Customers the stories bring in rather than the month: two returning visitors nobody could
# find (A4) and two of today's walk-ins. The month has the rest, so the office has 300.
NEWCOMERS = 4
# Fixed, so that every developer's demo holds the same people and stories (relative to today).
SEED = 20261122
# Beat's jobs run through the day; the demo runs them once an evening, after the day's sheets
# are in and when the managers' daily summary is due.
JOBS_AT = "21:45"


# ------------------------------------------------------------------------------
# The plan
# ------------------------------------------------------------------------------
def opening(cal: Calendar) -> datetime:
    """The office opens (project, staff, price list) the morning before the first visitor."""
    return cal.at(HISTORY_DAYS + 1, "09:00")


def plan_demo(*, now: datetime, tz: ZoneInfo, rng: random.Random) -> list[Step]:
    """Every step of the demo after the project and staff exist, in entry order."""
    cal = Calendar(now, tz)
    history = plan_history(
        now=now, tz=tz, rng=rng, customers=CUSTOMER_COUNT - NEWCOMERS, families=FAMILY_COUNT
    )
    casting = Casting(history, cal, rng)
    units = plan_units(opening(cal) + timedelta(minutes=30))
    sales = SalesPlan(cal=cal, casting=casting, rng=rng, units=units)
    plan_sales(sales)
    steps = [
        *units,
        *sales.steps,
        *plan_aftercare(cal, sales.deals),
        *plan_channels(cal, history, casting, sales.deals, opening(cal)),
        *plan_open_dispute(history, now),
        *plan_pool(cal, casting, rng),
        *plan_pending(cal, history.people, rng),
        *plan_today(cal, history, casting, rng),
        *plan_pipeline(casting, rng, now),  # last: among the customers no story took
        *(JobsStep(cal.at(days, JOBS_AT)) for days in range(HISTORY_DAYS, 0, -1)),
    ]
    steps += history.steps(casting.quiet_after)
    return sorted(steps, key=lambda s: s.entered_at)


@dataclass(frozen=True)
class JobsStep(Step):
    def apply(self, office: Office) -> None:
        scheduled_jobs(self.entered_at)


def scheduled_jobs(now: datetime) -> None:
    """What beat does (salesoffice/settings CELERY_BEAT_SCHEDULE), each job once at ``now``:
    claims without a contact for a week go to the pool, pending periods end, channel reports
    lapse, late instalments and tickets are told, visits due are reminded, walk-ins never
    registered are flagged, and the managers get the day's summary."""
    jobs.claims_lapse(now=now)
    jobs.pending_resolve(now=now)
    jobs.lapse_reminders(now=now)
    jobs.receptions_flag_unregistered(now=now)
    channel_jobs.reports_lapse(now=now)
    payments_overdue_notify(now=now)
    aftersales_jobs.tickets_escalate(now=now)
    aftersales_jobs.visits_remind(now=now)
    daily_summaries_send(now=now)


# ------------------------------------------------------------------------------
# Writing it
# ------------------------------------------------------------------------------
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
            # One hash for every demo account: PBKDF2 costs ~0.4 s a hash, 5 s for the staff.
            user.password, user.date_joined = password_hash, joined
            user.save(update_fields=["password", "date_joined"])
        users[login.username] = user
    return users


def demo_project() -> Project | None:
    return Project.objects.filter(code=PROJECT_CODE).first()


COUNTED = {
    "customers": Customer,
    "registrations": Registration,
    "follow-ups": FollowUp,
    "family links": HouseholdLink,
    "stage moves": StageChange,
    "units": Unit,
    "subscriptions": Subscription,
    "contracts": Contract,
    "payments": Payment,
    "payoff certificates": PayoffCertificate,
    "after-sales tickets": Ticket,
    "follow-up visits": Visit,
    "channel reports": ChannelReport,
    "disputes": Dispute,
    "receptions": Reception,
}


def demo_counts(project: Project) -> dict[str, int]:
    counts = {
        what: model.objects.filter(project=project).count() for what, model in COUNTED.items()
    }
    counts["invalid registrations"] = Registration.objects.filter(
        project=project, valid=False
    ).count()
    counts["units handed over"] = KeyHandover.objects.filter(handover__project=project).count()
    counts["rostered today"] = RosterEntry.objects.filter(
        project=project, date=timezone.localdate(timezone.now(), project.tzinfo)
    ).count()
    return counts


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
    tz = ZoneInfo(PROJECT_TIMEZONE)
    steps = plan_demo(now=now, tz=tz, rng=random.Random(seed))
    opened = opening(Calendar(now, tz))
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        with simulated_clock(opened) as clock:
            office = open_office(opened, password_hash)
            for step in steps:
                clock.set(step.entered_at)
                step.apply(office)
        scheduled_jobs(now)
    return SeedResult(created=True, counts=demo_counts(office.project))


def open_office(opened: datetime, password_hash: str) -> Office:
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
    return Office(project, {ADMIN.username: admin, **users})

"""seed_demo: the office `make run` shows, written through the real services, and only once.

Seeding takes seconds (every write goes through the services and the attribution refresh), so
the module seeds once inside a transaction that is rolled back after its last test; each test
runs in a savepoint of its own inside it.
"""

import io
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from aftersales.models import Category, Ticket
from attribution.models import HouseholdState, PolicyVersion, RosterEntry
from channels.models import ChannelReport
from channels.selectors import with_status
from commission.models import CommissionSplit
from customers.models import Customer, FollowUp, Household, HouseholdLink, Registration
from customers.phones import CN_MOBILE, normalise_phone
from demo.logins import logins, logins_table, width
from demo.seed import FAMILY_COUNT, SEED, plan_demo
from demo.staff import PASSWORD
from disputes.models import Dispute
from handover.models import KeyHandover, PayoffCertificate
from handover.selectors import with_payoff_state
from orders.models import Contract, Payment, Subscription, Unit, UnitStatus
from projects.access import role_of
from projects.models import Membership, Project

User = get_user_model()
SH = ZoneInfo("Asia/Shanghai")
HAN = re.compile(r"^[\u4e00-\u9fff]{2,3}$")


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_office(django_db_setup, django_db_blocker):
    """The output of the first run; the data stays until the module's tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


def everything() -> dict[str, int]:
    models = (User, Project, Membership, PolicyVersion, Customer, Household)
    ledger = (Registration, FollowUp, HouseholdLink)
    return {m.__name__: m.objects.count() for m in models + ledger}


@pytest.mark.django_db
def test_the_demo_office_has_every_role_and_each_login_works(demo_office):
    output = demo_office

    project = Project.objects.get(code="HX01")
    assert (project.name, project.timezone) == ("和玺一期", "Asia/Shanghai")
    assert PolicyVersion.objects.get(project=project).preset == "first-registration-7d"
    roles = Counter(role_of(m.user) for m in project.memberships.select_related("user"))
    assert roles == {
        "consultant": 6,
        "clerk": 2,
        "manager": 1,
        "finance": 1,
        "channel": 1,
        "engineering": 1,
        "property": 1,
    }
    assert User.objects.get(username="admin").is_superuser
    for login in logins():
        user = authenticate(username=login.username, password=PASSWORD)
        assert user is not None, login.username
        assert re.fullmatch(r"[a-z]+", user.username)
        assert HAN.match(user.first_name) or user.is_superuser
        assert login.username in output
    assert PASSWORD in output


@pytest.mark.django_db
def test_the_demo_month_is_300_customers_with_families_visits_calls_and_follow_ups(demo_office):
    now = timezone.now()

    customers = Customer.objects.filter(project__code="HX01")
    phones = list(customers.values_list("phone", flat=True))
    assert len(phones) == len(set(phones)) == 300
    assert all(CN_MOBILE.match(p) and normalise_phone(p) == p for p in phones)
    assert all(HAN.match(name) for name in customers.values_list("name", flat=True))

    registrations = Registration.objects.filter(project__code="HX01")
    assert set(registrations.values_list("kind", flat=True)) == {"visit", "call"}
    invalid = registrations.filter(valid=False)
    assert 1 <= invalid.count() <= 20
    assert all(r.invalid_reasons for r in invalid)
    assert FollowUp.objects.filter(project__code="HX01").count() > 150

    occurred = list(registrations.values_list("occurred_at", flat=True))
    assert min(occurred) >= now - timedelta(days=31)
    assert len({o.astimezone(SH).date() for o in occurred}) >= 25
    # Replayed on a simulated clock: entered after it happened, in time to keep its real time.
    assert not registrations.exclude(attributed_at=F("occurred_at")).exists()
    assert not registrations.filter(entered_at__lt=F("occurred_at")).exists()
    assert not registrations.filter(entered_at__gt=now).exists()

    families = Household.objects.filter(project__code="HX01")
    assert families.annotate(n=Count("members")).filter(n__gt=1).count() == FAMILY_COUNT
    kinds = set(HouseholdLink.objects.values_list("kind", flat=True))
    assert kinds == {"spouse", "parent"}
    # Caught up with today: claims without a contact for a week are in the pool.
    states = set(HouseholdState.objects.values_list("status", flat=True))
    assert {"active", "pool"} <= states
    assert not HouseholdState.objects.filter(status="active", expires_at__lt=now).exists()


@pytest.mark.django_db
def test_the_demo_month_of_business_runs_from_the_price_list_to_the_keys(demo_office):
    project = Project.objects.get(code="HX01")

    statuses = set(Unit.objects.filter(project=project).values_list("status", flat=True))
    assert set(UnitStatus.values) - {UnitStatus.RESERVED} <= statuses
    live = Subscription.objects.filter(project=project, cancellation__isnull=True)
    assert Subscription.objects.filter(project=project, cancellation__isnull=False).exists()
    locked = HouseholdState.objects.filter(status="locked").values_list("household_id", flat=True)
    assert set(live.values_list("customer__household_id", flat=True)) <= set(locked)
    for split in CommissionSplit.objects.filter(subscription__project=project):
        assert sum(s.percent for s in split.shares.all()) == 100

    receipts = sorted(Payment.objects.filter(project=project).values_list("receipt_no", flat=True))
    assert len(receipts) == len(set(receipts)) > 0
    contracts = with_payoff_state(Contract.objects.filter(project=project))
    certified = contracts.filter(valid_certificate__isnull=False)
    assert certified.count() == 2
    assert all(c.payoff_outstanding == 0 for c in certified)
    assert PayoffCertificate.objects.filter(project=project).count() == 2
    assert KeyHandover.objects.filter(handover__project=project).count() == 1

    tickets = Ticket.objects.filter(project=project)
    assert tickets.filter(category=Category.ENGINEERING, origin="defect").exists()
    assert {"closed"} < set(tickets.values_list("state", flat=True))
    reports = ChannelReport.objects.filter(project=project)
    for status in ("valid", "confirmed", "lapsed", "refused"):
        assert with_status(reports, status, timezone.now()).exists(), status
    assert set(Dispute.objects.filter(project=project).values_list("state", flat=True)) == {
        "open",
        "ruled",
    }
    today = timezone.localdate(timezone.now(), project.tzinfo)
    assert RosterEntry.objects.filter(project=project, date=today).count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username", ["zhangjian", "wangfang", "linjing", "liuyan", "zhoupeng", "sunjun", "guoting"]
)
def test_every_page_in_each_roles_menu_opens_on_the_demo_data(demo_office, client, username):
    client.force_login(User.objects.get(username=username))

    home = client.get("/", follow=True)

    assert home.status_code == 200
    menu = r'href="(/(?:p|channel)/HX01/[^"?#]*)"'
    links = set(re.findall(menu, home.content.decode()))
    assert links
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


@pytest.mark.django_db
def test_running_it_again_changes_nothing_and_prints_the_logins_again(demo_office):
    before = everything()

    output = seed_demo()

    assert everything() == before
    assert "already exists" in output
    assert all(login.username in output for login in logins())


def test_the_plan_is_the_same_every_time_and_never_ahead_of_now():
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def plan():
        return plan_demo(now=now, tz=SH, rng=random.Random(SEED))

    steps = plan()
    assert steps == plan()
    assert all(s.entered_at <= now for s in steps)
    assert [s.entered_at for s in steps] == sorted(s.entered_at for s in steps)
    contacts = [s for s in steps if hasattr(s, "occurred_at")]
    assert len(contacts) > 300
    assert all(s.occurred_at < s.entered_at for s in contacts)


def test_the_logins_table_lines_up_chinese_names():
    lines = logins_table().splitlines()

    starts = {width(line[: line.index("demo12345")]) for line in lines[2:]}
    assert len(starts) == 1

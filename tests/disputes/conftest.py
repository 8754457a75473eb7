"""A collision to rule on: alice registered 赵敏 at 10:00, bob registered her again at 13:00 and
disputes it at 14:00. mike and nina are managers; neither is a party unless a test makes them."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from desk.services import RegistrationInput, registration_create
from disputes.admin_access import manager_admin_access_grant
from disputes.opening import dispute_open
from orders.models import Subscription, Unit
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
PHONE = "13800138000"


def register(user, project, when, phone=PHONE, acting_user=None, name="赵敏"):
    data = RegistrationInput(
        kind="visit", occurred_at=when, consultant=user, name=name, gender="F", phone=phone
    )
    result = registration_create(project=project, data=data, acting_user=acting_user or user)
    return result.registration


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def nina(project):
    return UserFactory(username="nina", first_name="倪经理", role="manager", project=project)


@pytest.fixture
def managers(mike, nina):
    """Both managers may use the admin screen, as ``staff_create`` makes them."""
    for manager in (mike, nina):
        manager_admin_access_grant(manager)
    return mike, nina


@pytest.fixture
def household(project, alice, bob, clock):
    register(alice, project, DAY1)
    clock.move_to(DAY1 + timedelta(hours=3))
    return register(bob, project, DAY1 + timedelta(hours=3)).customer.household


@pytest.fixture
def dispute(household, bob, clock):
    clock.move_to(DAY1 + timedelta(hours=4))
    opened = dispute_open(
        household=household,
        claimant=bob,
        reason="我先电话联系过她",
        evidence_note="3月1日来电记录",
        acting_user=bob,
    )
    clock.move_to(DAY1 + timedelta(hours=5))
    return opened


def subscribe(project, customer, consultant, when, room="101") -> Subscription:
    """A live deal on the household (written directly: the orders app owns its rules)."""
    unit = Unit.objects.create(
        project=project,
        building="1",
        room=room,
        area=Decimal("90"),
        list_price=Decimal("1000000"),
    )
    return Subscription.objects.create(
        project=project,
        unit=unit,
        customer=customer,
        consultant=consultant,
        price=Decimal("1000000"),
        deposit=Decimal("20000"),
        occurred_at=when,
        attributed_at=when,
        entered_at=when,
    )

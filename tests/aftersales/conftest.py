"""After-sales personas: eric works in engineering (工程部), pete for the property company
(物业公司); with them the office's own: alice (the owner's consultant), bob (another consultant),
clara (clerk), mike (manager), fiona (finance). 赵敏 bought 1栋101 from alice and got the keys.
The clock is Monday 2 March 2026, 10:00 in Shanghai unless a test moves it."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftersales import services
from aftersales.services import MoveInput, TicketInput
from desk.services import RegistrationInput, registration_create
from orders.models import Unit
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def eric(project):
    return UserFactory(username="eric", first_name="赵工", role="engineering", project=project)


@pytest.fixture
def pete(project):
    return UserFactory(username="pete", first_name="物业小孙", role="property", project=project)


@pytest.fixture
def staff(alice, bob, clara, mike, fiona, eric, pete):
    return {
        "consultant": alice,
        "other_consultant": bob,
        "clerk": clara,
        "manager": mike,
        "finance": fiona,
        "engineering": eric,
        "property": pete,
    }


def register(project, consultant, phone="13800138000", name="赵敏"):
    data = RegistrationInput(
        kind="visit",
        occurred_at=timezone.now(),
        consultant=consultant,
        name=name,
        gender="F",
        phone=phone,
    )
    return registration_create(project=project, data=data, acting_user=consultant).registration


@pytest.fixture
def owner(project, alice, clock):
    """赵敏, alice's customer."""
    return register(project, alice).customer


@pytest.fixture
def unit(project):
    return Unit.objects.create(
        project=project,
        building="1",
        room="101",
        area=Decimal("89.50"),
        list_price=Decimal("1200000"),
        status="handed_over",
    )


def open_ticket(customer, user, category="engineering", **fields):
    fields.setdefault("title", "卫生间渗水")
    return services.ticket_open(
        data=TicketInput(customer=customer, category=category, **fields), acting_user=user
    )


def move(ticket, user, action, **fields):
    return services.ticket_move(ticket=ticket, move=MoveInput(action, **fields), acting_user=user)


@pytest.fixture
def ticket(owner, alice, eric):
    """An engineering ticket, in eric's queue."""
    return open_ticket(owner, alice)

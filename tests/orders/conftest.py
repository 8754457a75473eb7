"""Helpers for the orders tests: units, registered customers and subscriptions through the
services (the write rules), on the personas of tests/conftest.py."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from desk.services import RegistrationInput, registration_create
from orders.grid import floor_from_room
from orders.models import Unit
from orders.services import SubscriptionInput, subscription_create

SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


def make_unit(project, room="301", building="1", unit="1", **fields) -> Unit:
    fields.setdefault("area", Decimal("89.50"))
    fields.setdefault("list_price", Decimal("1200000.00"))
    fields.setdefault("floor", floor_from_room(room))
    return Unit.objects.create(project=project, building=building, unit=unit, room=room, **fields)


def register(project, consultant, phone="13800138000", name="赵敏", when=None):
    data = RegistrationInput(
        kind="visit",
        occurred_at=when or timezone.now(),
        consultant=consultant,
        name=name,
        gender="F",
        phone=phone,
    )
    return registration_create(
        project=project, data=data, acting_user=consultant
    ).registration.customer


def subscribe(unit, customer, consultant, acting_user=None, **fields):
    fields.setdefault("deposit", Decimal("50000.00"))
    fields.setdefault("occurred_at", timezone.now())
    data = SubscriptionInput(unit=unit, customer=customer, consultant=consultant, **fields)
    return subscription_create(data=data, acting_user=acting_user or consultant)

"""Handover personas and deals: 赵敏 (alice's customer) bought 1栋1单元301 for ¥1,200,000 with a
¥50,000 deposit; contracts and payments are ledger rows written directly (create, never update),
as finance's services would. eric works in engineering. The clock is Monday 2 March 2026, 10:00
in Shanghai unless a test moves it."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from desk.services import RegistrationInput, registration_create
from handover import certificates
from orders.models import Contract, Payment, Unit
from orders.services import SubscriptionInput, subscription_create
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
PRICE = Decimal("1200000.00")
DEPOSIT = Decimal("50000.00")
_receipts = itertools.count(1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(DAY1, tick=False)
    return time_machine


@pytest.fixture
def eric(project):
    return UserFactory(username="eric", first_name="赵工", role="engineering", project=project)


def make_unit(project, room="301", building="1", unit="1", price=PRICE) -> Unit:
    return Unit.objects.create(
        project=project,
        building=building,
        unit=unit,
        room=room,
        floor=int(room[:-2] or 0),
        area=Decimal("89.50"),
        list_price=price,
    )


def register(project, consultant, phone="13800138000", name="赵敏"):
    data = RegistrationInput(
        kind="visit",
        occurred_at=timezone.now() - timedelta(days=30),
        consultant=consultant,
        name=name,
        gender="F",
        phone=phone,
    )
    return registration_create(
        project=project, data=data, acting_user=consultant
    ).registration.customer


def make_contract(
    project,
    consultant,
    *,
    room="301",
    building="1",
    phone="13800138000",
    name="赵敏",
    price=PRICE,
    deposit=DEPOSIT,
) -> Contract:
    """A registered customer, a subscription through the orders service, and its contract."""
    customer = register(project, consultant, phone=phone, name=name)
    unit = make_unit(project, room=room, building=building, price=price)
    subscription = subscription_create(
        data=SubscriptionInput(
            unit=unit,
            customer=customer,
            consultant=consultant,
            deposit=deposit,
            occurred_at=timezone.now() - timedelta(days=20),
        ),
        acting_user=consultant,
    ).subscription
    now = timezone.now()
    return Contract.objects.create(
        project=project,
        subscription=subscription,
        number=f"{project.code}-HT-{subscription.pk:06d}",
        price=price,
        payment_method="full",
        signed_at=now - timedelta(days=10),
        entered_at=now - timedelta(days=10),
        entered_by=consultant,
    )


def pay(contract: Contract, amount, *, kind="payment", by=None, days_ago=5) -> Payment:
    now = timezone.now()
    return Payment.objects.create(
        project=contract.project,
        contract=contract,
        kind=kind,
        amount=Decimal(amount),
        paid_at=now - timedelta(days=days_ago),
        method="transfer",
        receipt_no=f"SJ-{next(_receipts):06d}",
        entered_at=now,
        entered_by=by,
    )


def pay_off(contract: Contract, by=None) -> Payment:
    return pay(contract, contract.price - contract.subscription.deposit, by=by)


@pytest.fixture
def contract(project, alice, clock):
    """赵敏's contract for 1栋1单元301, nothing paid yet but the deposit."""
    return make_contract(project, alice)


@pytest.fixture
def paid_contract(contract, fiona):
    pay_off(contract, by=fiona)
    return contract


@pytest.fixture
def certificate(paid_contract, fiona):
    return certificates.certificate_issue(contract=paid_contract, acting_user=fiona)

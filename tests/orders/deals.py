"""Helpers for the contract and payment tests: a deal taken to its contract through the
services (the write rules), on the personas of tests/conftest.py and the clock of
tests/orders/conftest.py (2026-03-02 10:00 in Shanghai). The default deal: a unit at
¥1,200,000.00 scheduled in two instalments (the price), and a deposit of ¥50,000.00 credited to
the first: ¥1,150,000.00 outstanding at signing, ¥850,000.00 of it on the first instalment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from orders.contracts import ContractInput, contract_create
from orders.models import Contract
from orders.payments import PaymentInput, PaymentResult, payment_record
from orders.requirements import ReviewInput, qualification_review_create
from orders.terms import Instalment
from tests.orders.conftest import make_unit, register, subscribe

FIRST_DUE = date(2026, 4, 1)
SECOND_DUE = date(2026, 6, 1)
SCHEDULE = (
    Instalment(FIRST_DUE, Decimal("900000.00"), "首付"),
    Instalment(SECOND_DUE, Decimal("300000.00"), "二期款"),
)


def passed_review(customer, manager, **checks):
    flags = {"id_checked": True, "eligible": True, "funds_proof": True, **checks}
    return qualification_review_create(
        customer=customer, data=ReviewInput(**flags), acting_user=manager
    )


def sign(subscription, acting_user, *, schedule=SCHEDULE, **fields) -> Contract:
    fields.setdefault("price", subscription.price)
    fields.setdefault("payment_method", "instalment")
    fields.setdefault("signed_at", timezone.now())
    data = ContractInput(subscription=subscription, schedule=tuple(schedule), **fields)
    return contract_create(data=data, acting_user=acting_user)


def subscribed(project, consultant, *, room="301", phone="13800138000", name="赵敏", **fields):
    customer = register(project, consultant, phone=phone, name=name)
    return subscribe(make_unit(project, room=room, **fields), customer, consultant).subscription


def contracted(project, consultant, manager, **fields) -> Contract:
    """A subscribed unit, a passed review and the contract (signed by the manager)."""
    subscription = subscribed(project, consultant, **fields)
    passed_review(subscription.customer, manager)
    return sign(subscription, manager)


def pay(contract, cashier, amount, **fields) -> PaymentResult:
    fields.setdefault("paid_at", timezone.now())
    fields.setdefault("method", "transfer")
    data = PaymentInput(contract=contract, amount=Decimal(amount), **fields)
    return payment_record(data=data, acting_user=cashier)

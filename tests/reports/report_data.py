"""A known office for the reports' tests: every figure the reports show can be counted by hand
from what is built here (the expected numbers are spelled out in tests/orders/test_reports.py).

Ledger rows are written directly (factories), like tests/factories.py does, except the stage
moves, which go through desk.pipeline.stage_move on a travelling clock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from attribution.models import HouseholdState, Reception
from customers.models import Correction, Stage, StageChange
from desk.pipeline import stage_move
from disputes.models import Dispute, Violation
from orders.models import (
    Contract,
    ContractCancellation,
    Payment,
    PaymentMethod,
    ScheduleItem,
    Subscription,
    SubscriptionCancellation,
)
from tests.factories import CustomerFactory, FollowUpFactory, RegistrationFactory
from tests.orders.conftest import make_unit

SH = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def money(text: str) -> Decimal:
    return Decimal(text)


# -- deals --------------------------------------------------------------------------------------


def deal(project, customer, consultant, when, price="1200000.00", deposit="50000.00"):
    unit = make_unit(project, room=f"{next(_numbers) + 100}", list_price=money(price))
    return Subscription.objects.create(
        project=project,
        unit=unit,
        customer=customer,
        consultant=consultant,
        price=money(price),
        deposit=money(deposit),
        occurred_at=when,
        attributed_at=when,
        entered_at=when,
        entered_by=consultant,
    )


def sign(subscription, when, schedule, price=None) -> Contract:
    """``schedule``: [(due date, amount text), ...] in sequence order."""
    contract = Contract.objects.create(
        project=subscription.project,
        subscription=subscription,
        number=f"HT-{next(_numbers):04d}",
        price=money(price) if price else subscription.price,
        payment_method=PaymentMethod.INSTALMENT,
        signed_at=when,
        entered_at=when,
        entered_by=subscription.consultant,
    )
    for sequence, (due, amount) in enumerate(schedule, start=1):
        ScheduleItem.objects.create(
            contract=contract,
            sequence=sequence,
            label=f"第{sequence}期",
            due=due,
            amount=money(amount),
            entered_at=when,
        )
    return contract


def pay(contract, amount: str, when, kind="payment") -> Payment:
    return Payment.objects.create(
        project=contract.project,
        contract=contract,
        kind=kind,
        amount=money(amount),
        paid_at=when,
        method="transfer",
        receipt_no=f"SJ-{next(_numbers):05d}",
        entered_at=when,
    )


def cancel_subscription(subscription, when, manager) -> SubscriptionCancellation:
    return SubscriptionCancellation.objects.create(
        subscription=subscription,
        occurred_at=when,
        reason="客户资金问题",
        approved_by=manager,
        entered_at=when,
        entered_by=manager,
    )


def cancel_contract(contract, when, manager) -> ContractCancellation:
    return ContractCancellation.objects.create(
        contract=contract,
        occurred_at=when,
        reason="退房",
        approved_by=manager,
        entered_at=when,
        entered_by=manager,
    )


# -- registrations ------------------------------------------------------------------------------


def visit(customer, consultant, when, source="", kind="visit", **fields):
    return RegistrationFactory(
        customer=customer,
        consultant=consultant,
        occurred_at=when,
        source=source,
        kind=kind,
        **fields,
    )


def void(registration, clerk) -> Correction:
    return Correction.objects.create(
        registration=registration,
        reason="重复录入",
        void=True,
        entered_at=registration.entered_at,
        entered_by=clerk,
    )


def move(clock, when, customer, to_stage, user, reason="", cause="manual"):
    clock.move_to(when, tick=False)
    return stage_move(
        customer=customer, to_stage=to_stage, reason=reason, cause=cause, acting_user=user
    )


@dataclass
class Office:
    customers: dict[str, object] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)


def build_march(project, alice, bob, clara, mike, clock) -> Office:
    """The office of March 2026 (Asia/Shanghai), seen from 20 April 2026.

    Registrations on Monday 2 March:
      alice  09:30 visit A (new, 自然来访) · 10:15 visit B (came in February: not new, 朋友介绍)
             11:00 call C (new, 网络) · 14:00 visit A again (自然来访)
      bob    10:30 call D (new, 网络) · 16:00 visit E (new, invalid: no source)
             17:00 visit F (网络, voided by clara: not counted)
    and around it: 1 March 23:50 alice visits H (new); 3 March 00:30 bob visits G (new).
    Follow-ups on 2 March: alice two (09:00, 20:00), bob one (23:59); 3 March 00:10 bob one.

    Deals: S0 alice 25 Feb (2,000,000.00, deposit 100,000.00), contract C0 signed 2 March;
    S1 alice 2 March (1,200,000.00, deposit 50,000.00); S2 alice 2 March (900,000.00),
    cancelled 4 March; S3 bob 20 March (1,500,000.50, deposit 20,000.00), contract C3 signed
    25 March and cancelled 28 March; S4 bob 1 April 00:30; S5 bob 5 January with contract C5
    signed 10 January; S6 alice 1 February with contract C6 signed 5 February.

    Schedules (summing to the price; the deposit is the first money settled) and payments:
      C0 2,000,000.00, deposit 100,000.00: #1 10 Mar 900,000.00, #2 10 Apr 600,000.00,
         #3 30 Jun 500,000.00; paid 5 Mar 500,000.00, 31 Mar 23:30 300,000.00,
         1 Apr 00:10 100,000.00.
      C3 1,500,000.50: #1 30 Mar; paid 26 Mar 200,000.00, refunded 28 Mar 200,000.00.
      C5 1,000,000.00, deposit 50,000.00: #1 20 Jan 500,000.00, #2 15 Feb 500,000.00; paid
         18 Jan 450,000.00.
      C6 800,000.00, deposit 100,000.00: #1 1 May 400,000.00, #2 1 Mar 400,000.00 (due before
         #1); paid 5 Apr 100,000.00.
    """
    office = Office()
    names = "ABCDEFGH"
    for letter in names:
        office.customers[letter] = CustomerFactory(project=project, name=f"客户{letter}")
    c = office.customers
    visit(c["B"], bob, at(2, 20), source="朋友介绍")
    visit(c["H"], alice, at(3, 1, 23, 50), source="自然来访")
    visit(c["A"], alice, at(3, 2, 9, 30), source="自然来访")
    visit(c["B"], alice, at(3, 2, 10, 15), source="朋友介绍")
    visit(c["C"], alice, at(3, 2, 11, 0), source="网络", kind="call")
    visit(c["A"], alice, at(3, 2, 14, 0), source=" 自然来访 ")
    visit(c["D"], bob, at(3, 2, 10, 30), source="网络", kind="call")
    visit(c["E"], bob, at(3, 2, 16, 0), valid=False, invalid_reasons=["name_missing"])
    void(visit(c["F"], bob, at(3, 2, 17, 0), source="网络"), clara)
    visit(c["G"], bob, at(3, 3, 0, 30), source="网络")
    for who, when in ((alice, at(3, 2, 9)), (alice, at(3, 2, 20)), (bob, at(3, 2, 23, 59))):
        FollowUpFactory(customer=c["A"], consultant=who, occurred_at=when)
    FollowUpFactory(customer=c["D"], consultant=bob, occurred_at=at(3, 3, 0, 10))

    s = office.subscriptions
    s["S5"] = deal(project, c["G"], bob, at(1, 5), price="1000000.00")
    s["S6"] = deal(project, c["H"], alice, at(2, 1), price="800000.00", deposit="100000.00")
    s["S0"] = deal(project, c["B"], alice, at(2, 25), price="2000000.00", deposit="100000.00")
    s["S1"] = deal(project, c["A"], alice, at(3, 2, 15))
    s["S2"] = deal(project, c["C"], alice, at(3, 2, 16), price="900000.00")
    cancel_subscription(s["S2"], at(3, 4), mike)
    s["S3"] = deal(project, c["D"], bob, at(3, 20), price="1500000.50", deposit="20000.00")
    s["S4"] = deal(project, c["E"], bob, at(4, 1, 0, 30), price="700000.00")

    k = office.contracts
    k["C5"] = sign(
        s["S5"], at(1, 10), [(date(2026, 1, 20), "500000.00"), (date(2026, 2, 15), "500000.00")]
    )
    pay(k["C5"], "450000.00", at(1, 18))
    k["C6"] = sign(
        s["S6"], at(2, 5), [(date(2026, 5, 1), "400000.00"), (date(2026, 3, 1), "400000.00")]
    )
    pay(k["C6"], "100000.00", at(4, 5))
    k["C0"] = sign(
        s["S0"],
        at(3, 2, 11),
        [
            (date(2026, 3, 10), "900000.00"),
            (date(2026, 4, 10), "600000.00"),
            (date(2026, 6, 30), "500000.00"),
        ],
    )
    pay(k["C0"], "500000.00", at(3, 5))
    pay(k["C0"], "300000.00", at(3, 31, 23, 30))
    pay(k["C0"], "100000.00", at(4, 1, 0, 10))
    k["C3"] = sign(s["S3"], at(3, 25), [(date(2026, 3, 30), "1500000.50")])
    pay(k["C3"], "200000.00", at(3, 26))
    pay(k["C3"], "-200000.00", at(3, 28), kind="refund")
    cancel_contract(k["C3"], at(3, 28, 11), mike)

    # The pipeline in March: A → intent → negotiating → closed by S1; C lost (预算不足);
    # D lost (预算不足) then reactivated to intent; E lost (已购竞品). In February (outside
    # March): H → intent. B, F, G stay potential.
    move(clock, at(2, 10), c["H"], Stage.INTENT, clara)
    move(clock, at(3, 2, 12), c["A"], Stage.INTENT, alice)
    move(clock, at(3, 3, 12), c["A"], Stage.NEGOTIATING, clara)
    move(clock, at(3, 5), c["C"], Stage.LOST, mike, reason="预算不足")
    move(clock, at(3, 6), c["D"], Stage.LOST, mike, reason=" 预算不足")
    move(clock, at(3, 7), c["E"], Stage.LOST, mike, reason="已购竞品")
    move(clock, at(3, 9), c["D"], Stage.INTENT, mike)
    move(clock, at(3, 10), c["A"], Stage.CLOSED, alice, cause=f"subscription:{s['S1'].pk}")
    clock.move_to(at(4, 20, 12), tick=False)
    return office


def grow(project, consultants, clerk, manager, when, n=12) -> None:
    """``n`` more of everything the reports and the dashboard read, around ``when``: the
    figures change, the number of queries must not."""
    for i in range(n):
        consultant = consultants[i % len(consultants)]
        moment = when - timedelta(hours=i % 6, minutes=i)
        customer = CustomerFactory(project=project)
        visit(customer, consultant, moment, source=f"渠道{i % 4}", kind=("visit", "call")[i % 2])
        FollowUpFactory(customer=customer, consultant=consultant, occurred_at=moment)
        subscription = deal(project, customer, consultant, moment, price="1000000.00")
        contract = sign(
            subscription, moment, [(when.date() - timedelta(days=40 + i), "1000000.00")]
        )
        pay(contract, "100000.00", moment)
        if i % 3 == 0:
            cancel_subscription(deal(project, customer, consultant, moment), moment, manager)
        StageChange.objects.create(
            project=project,
            customer=customer,
            from_stage="potential",
            to_stage="lost",
            reason=f"原因{i % 3}",
            cause="manual",
            entered_at=moment,
            entered_by=manager,
        )
        HouseholdState.objects.create(
            household=customer.household,
            project=project,
            owner=consultant,
            status="active",
            expires_at=when + timedelta(hours=2 + i),
            computed_at=when,
        )
        Dispute.objects.create(
            project=project,
            household=customer.household,
            customer=customer,
            claimant=consultants[(i + 1) % len(consultants)],
            owner_at_opening=consultant,
            opened_by=consultant,
            opened_at=moment,
            reason="撞单",
            attribution_at_opening={},
        )
        Violation.objects.create(
            project=project,
            staff=consultant,
            kind="late_entry",
            amount=money("20.00"),
            occurred_at=moment,
            source=f"grow:{customer.pk}",
            entered_at=moment,
        )
        Reception.objects.create(
            project=project,
            consultant=consultant,
            received_at=moment,
            register_by=moment + timedelta(minutes=60),
            created_by=clerk,
        )

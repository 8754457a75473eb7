"""The month's deals: twelve subscriptions, eight contracts, their money and their ends.

Each buyer is a customer of the month whose first visit fits the story; on the deal day they
come back, their consultant registers the visit (so the claim is theirs, A2), moves them to
negotiating, has the requirement form signed and takes the subscription. Then the manager
reviews their qualification, the clerk prepares the contract and finance records the money.
A few deals are told differently: a colleague serves while the owner is away (A10), a helper
assists (70/30), a colleague takes the deal from a customer he did not know was taken (A8: the
dispute the manager rules), a subscription is withdrawn (退订), a contract is cancelled when the
bank refuses the loan (退房) and its money refunded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from customers.models import Stage
from demo.casting import Casting
from demo.clock import Calendar
from demo.conflicts import plan_ruling
from demo.deals import (
    CancelContractStep,
    CancelSubscriptionStep,
    CertificateStep,
    ContractStep,
    PaymentStep,
    RequirementStep,
    ReviewStep,
    StageStep,
    SubscribeStep,
)
from demo.history import RegisterStep, Track
from demo.inventory import UnitStep
from demo.office import Step
from demo.people import birth_date, id_number
from demo.staff import CONSULTANTS, NAMES
from orders.models import PaymentKind, PaymentMethod

FULL, MORTGAGE, INSTALMENT = PaymentMethod.FULL, PaymentMethod.MORTGAGE, PaymentMethod.INSTALMENT
# Offices reward cash: 97 % for a full payment, 98 % in instalments, 99 % with a mortgage.
DISCOUNT = {FULL: Decimal("0.97"), INSTALMENT: Decimal("0.98"), MORTGAGE: Decimal("0.99")}
DEPOSIT = Decimal("50000.00")
SMALL_DEPOSIT = Decimal("20000.00")  # 小定: what a customer brings when they only hold a unit
LOAN_SHARE = Decimal("0.70")  # banks lend 70 % of the price for a first home
ZERO = Decimal("0.00")

# How a deal day goes (see ``SalesPlan.deal_day``).
OWNER, ABSENT, DEPOSIT_ONLY, COLLISION = "owner", "absent", "deposit_only", "collision"


def yuan(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), ROUND_HALF_UP) + ZERO


@dataclass
class Deal:
    key: str
    address: str
    track: Track
    owner: str
    closer: str
    day: int  # days ago of the subscription
    price: Decimal
    deposit: Decimal
    method: str
    layout: str
    area: Decimal
    helper: str = ""  # a colleague who assisted the owner (70/30)
    id_number: str = ""
    schedule: tuple = ()
    paid: Decimal = ZERO

    @property
    def phone(self) -> str:
        return self.track.person.phone

    @property
    def name(self) -> str:
        return self.track.person.name

    def settling(self, items: int) -> Decimal:
        """What settles the schedule's first ``items`` items (the deposit counts first)."""
        due = sum((amount for _, amount, _ in self.schedule[:items]), ZERO)
        return due - self.deposit - self.paid


class SalesPlan:
    def __init__(
        self, *, cal: Calendar, casting: Casting, rng: random.Random, units: list[UnitStep]
    ) -> None:
        self.cal, self.casting, self.rng = cal, casting, rng
        self.units = {f"{u.building}-{u.room}": u for u in units}
        self.steps: list[Step] = []
        self.deals: dict[str, Deal] = {}

    def at(self, day: int, hhmm: str, minutes: int = 0) -> datetime:
        return self.cal.at(day, hhmm) + timedelta(minutes=minutes)

    # -- the deal day ---------------------------------------------------------------------------

    def open_deal(
        self, key: str, address: str, day: int, method: str, how: str = OWNER, assisted=False
    ) -> Deal:
        """The buyer cast, their first visit's interest noted, and the deal day planned."""
        # A colliding colleague must find the owner's claim alive (A8), so that buyer is fresh.
        window = (day + 1, day + 6) if how == COLLISION else (day + 2, min(day + 12, 30))
        track = self.casting.pick(first=window)
        owner = track.consultant
        closer = owner if how == OWNER else self.colleague(owner)
        unit = self.units[address]
        deposit = SMALL_DEPOSIT if how == DEPOSIT_ONLY else DEPOSIT
        price = yuan(unit.list_price * DISCOUNT.get(method, DISCOUNT[MORTGAGE]))
        deal = Deal(
            key, address, track, owner, closer, day, price, deposit, method, unit.layout, unit.area
        )
        if assisted:
            deal.helper = self.colleague(owner)
        self.deals[key] = deal
        self.interested(track)
        self.deal_day(deal, how)
        return deal

    def colleague(self, username: str) -> str:
        return self.rng.choice([c for c in CONSULTANTS if c != username])

    def interested(self, track: Track) -> None:
        """After the first visit the consultant marks the customer's intent (意向)."""
        first = track.first
        self.steps.append(
            StageStep(
                first.entered_at + timedelta(minutes=10),
                first.phone,
                Stage.INTENT,
                first.consultant,
            )
        )

    def deal_day(self, deal: Deal, how: str) -> None:
        visit = {OWNER: "10:00", ABSENT: "14:00", DEPOSIT_ONLY: "16:00", COLLISION: "10:30"}[how]
        came = self.at(deal.day, visit)
        self.casting.quiet(deal.track, came)
        self.steps.append(self.visit(deal, came, how))
        if how == OWNER:
            self.steps.append(
                StageStep(came + timedelta(minutes=20), deal.phone, Stage.NEGOTIATING, deal.owner)
            )
            self.steps.append(self.requirement(deal, came + timedelta(minutes=40)))
        self.steps.append(self.subscription(deal, came + timedelta(minutes=60), how))

    def visit(self, deal: Deal, came: datetime, how: str) -> RegisterStep:
        owner, closer = NAMES[deal.owner], NAMES[deal.closer]
        notes = {
            OWNER: f"再次到访，选定{deal.address}",
            ABSENT: f"指名{owner}，{owner}外出，由{closer}代为接待",
            DEPOSIT_ONLY: f"客户专程来交定金，{owner}休息，由{closer}代收",
            COLLISION: "客户称第一次来访",
        }
        person = deal.track.person
        return RegisterStep(
            entered_at=came + timedelta(minutes=6),
            entered_by=deal.closer,
            consultant=deal.closer,
            kind="visit",
            occurred_at=came,
            name=person.name,
            gender=person.gender,
            phone=person.phone,
            first_visit=how == COLLISION,
            # Naming the consultant keeps the customer theirs while a colleague serves (A5).
            mentioned="" if how == COLLISION else deal.owner,
            note=notes[how],
        )

    def requirement(self, deal: Deal, at: datetime) -> RequirementStep:
        budget = (deal.price / 10_000).to_integral_value(ROUND_CEILING) * 10_000 + 100_000
        return RequirementStep(
            entered_at=at,
            phone=deal.phone,
            consultant=deal.owner,
            unit=deal.address,
            budget=budget + ZERO,
            area=deal.area,
            payment_method=deal.method,
            signed_at=at - timedelta(minutes=2),
        )

    def subscription(self, deal: Deal, at: datetime, how: str) -> SubscribeStep:
        notes = {
            ABSENT: "原顾问外出，同事代收定金",
            DEPOSIT_ONLY: "义务接待：客户只为交定金",
        }
        return SubscribeStep(
            entered_at=at + timedelta(minutes=6),
            unit=deal.address,
            phone=deal.phone,
            consultant=deal.closer,
            price=deal.price,
            deposit=deal.deposit,
            occurred_at=at,
            owner_absent=how in (ABSENT, DEPOSIT_ONLY),
            deposit_only=how == DEPOSIT_ONLY,
            assisted_by=deal.helper,
            note=notes.get(how, ""),
        )

    # -- after the subscription -----------------------------------------------------------------

    def review(self, deal: Deal, day: int, *, funds_proof: bool = True, note: str = "") -> None:
        if not deal.id_number:
            born = birth_date(self.rng, self.cal.today)
            deal.id_number = id_number(self.rng, deal.track.person.gender, born)
        self.steps.append(
            ReviewStep(
                self.at(day, "10:00"),
                deal.phone,
                deal.id_number,
                funds_proof=funds_proof,
                note=note or "身份证、户口本、征信及首付款证明已核验",
            )
        )

    def contract(self, deal: Deal, day: int, dues: tuple[int, ...], shares=()) -> None:
        """签约 with a schedule due ``dues`` (days ago; negative: ahead) summing to the price."""
        down = loan = None
        if deal.method == FULL:
            deal.schedule = ((self.cal.day(dues[0]), deal.price, "全款"),)
        elif deal.method == MORTGAGE:
            loan = (deal.price * LOAN_SHARE / 10_000).to_integral_value(ROUND_FLOOR) * 10_000 + ZERO
            down = deal.price - loan
            deal.schedule = (
                (self.cal.day(dues[0]), down, "首付款"),
                (self.cal.day(dues[1]), loan, "银行按揭贷款"),
            )
        else:
            deal.schedule = self.instalments(deal.price, dues, shares)
        signed = self.at(day, "14:30")
        self.steps.append(
            ContractStep(
                signed + timedelta(minutes=30),
                deal.address,
                deal.price,
                deal.method,
                deal.schedule,
                signed,
                down_payment=down,
                loan_amount=loan,
            )
        )

    def instalments(self, price: Decimal, dues: tuple[int, ...], shares) -> tuple:
        labels = ("首期房款", "二期房款", "尾款")
        amounts = [yuan(price * Decimal(share)) for share in shares]
        amounts.append(price - sum(amounts, ZERO))
        return tuple(
            (self.cal.day(due), amount, label)
            for due, amount, label in zip(dues, amounts, labels, strict=True)
        )

    def pay(self, deal: Deal, day: int, hhmm: str, items: int, method: str = "transfer", **kw):
        """Finance records what settles the first ``items`` items of the schedule."""
        amount = deal.settling(items)
        deal.paid += amount
        paid_at = self.at(day, hhmm)
        self.steps.append(
            PaymentStep(
                paid_at + timedelta(minutes=10), deal.address, amount, paid_at, method, **kw
            )
        )

    def refund(self, deal: Deal, day: int, note: str) -> None:
        """Everything handed over, the deposit too, goes back on one receipt."""
        paid_at = self.at(day, "15:00")
        self.steps.append(
            PaymentStep(
                paid_at + timedelta(minutes=10),
                deal.address,
                deal.deposit + deal.paid,
                paid_at,
                "transfer",
                kind=PaymentKind.REFUND,
                note=note,
            )
        )

    def certificate(self, deal: Deal, day: int) -> None:
        self.steps.append(CertificateStep(self.at(day, "15:00"), deal.address))

    def invoice(self) -> str:
        """A paper invoice's 8-digit number (发票号码)."""
        return f"{self.rng.randrange(10**8):08d}"


def plan_sales(plan: SalesPlan) -> None:
    """The stories, oldest subscription first within each group."""
    paid_off(plan)
    paying(plan)
    ended(plan)
    subscribed_only(plan)


def paid_off(plan: SalesPlan) -> None:
    """Two contracts paid to the last yuan, each with its payoff certificate (the handover's)."""
    c1 = plan.open_deal("C1", "1-1201", 27, FULL)
    plan.review(c1, 26)
    plan.contract(c1, 25, dues=(18,))
    plan.pay(c1, 19, "10:30", items=1, invoice_no=plan.invoice(), note="全款付清")
    plan.certificate(c1, 17)
    c2 = plan.open_deal("C2", "2-1501", 24, MORTGAGE)
    plan.review(c2, 23)
    plan.contract(c2, 22, dues=(18, 10))
    plan.pay(c2, 18, "11:00", items=1, note="首付款")
    plan.pay(
        c2, 11, "16:00", items=2, method="loan", invoice_no=plan.invoice(), note="建设银行按揭放款"
    )
    plan.certificate(c2, 10)


def paying(plan: SalesPlan) -> None:
    """Contracts on their way: partly paid, one instalment overdue, one just signed."""
    c3 = plan.open_deal("C3", "1-902", 18, MORTGAGE, assisted=True)
    plan.review(c3, 17)
    plan.contract(c3, 16, dues=(9, -21))
    plan.pay(c3, 10, "10:00", items=1, note="首付款")
    c4 = plan.open_deal("C4", "2-802", 15, INSTALMENT)
    plan.review(c4, 14)
    plan.contract(c4, 13, dues=(12, -18, -48), shares=("0.4", "0.3"))
    plan.pay(c4, 12, "14:00", items=1, note="首期房款")
    c5 = plan.open_deal("C5", "1-601", 22, INSTALMENT)
    plan.review(c5, 21, funds_proof=False, note="缺少首付款资金证明，请补交银行流水")
    plan.review(c5, 20, note="已补交银行流水，审核通过")
    plan.contract(c5, 20, dues=(19, 6, -24), shares=("0.3", "0.3"))
    plan.pay(c5, 19, "11:30", items=1, note="首期房款")  # the second instalment is overdue
    c6 = plan.open_deal("C6", "2-1101", 6, FULL)
    plan.review(c6, 4)
    plan.contract(c6, 3, dues=(-12,))
    c7 = plan.open_deal("C7", "1-1402", 10, MORTGAGE, how=ABSENT)
    plan.review(c7, 8)
    plan.contract(c7, 7, dues=(2, -28))
    plan.pay(c7, 2, "15:30", items=1, note="首付款")


def ended(plan: SalesPlan) -> None:
    """The bank refuses C8's loan: the contract is cancelled and every yuan refunded (退房)."""
    c8 = plan.open_deal("C8", "2-601", 25, MORTGAGE)
    plan.review(c8, 24)
    plan.contract(c8, 23, dues=(21, 5))
    plan.pay(c8, 21, "10:00", items=1, note="首付款")
    reason = "银行按揭审批未通过，客户申请退房，经协商全额退款"
    plan.steps.append(CancelContractStep(plan.at(11, "11:00"), c8.address, reason))
    plan.refund(c8, 10, note="退还定金及首付款")
    s12 = plan.open_deal("S12", "1-701", 17, MORTGAGE)
    reason = "客户家庭意见不统一，申请退订"
    plan.steps.append(CancelSubscriptionStep(plan.at(14, "16:00"), s12.address, reason))


def subscribed_only(plan: SalesPlan) -> None:
    """Subscriptions waiting for their contract: a deposit taken for an absent colleague
    (obligation reception), a colleague's collision (the dispute), a fresh one."""
    plan.open_deal("S9", "1-1001", 4, MORTGAGE, how=DEPOSIT_ONLY)
    s10 = plan.open_deal("S10", "2-1202", 5, MORTGAGE, how=COLLISION)
    plan.steps.append(plan_ruling(s10.address, plan.at(4, "10:30")))
    plan.open_deal("S11", "2-902", 1, MORTGAGE)

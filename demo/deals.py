"""Steps of the sales desk, each one call of the orders services as the deal pages make it:
the requirement form, the subscription, the qualification review, the contract, finance's
payments and certificates, and the cancellations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from demo.office import Office, Step
from demo.staff import CLERKS, FINANCE, MANAGER
from desk.pipeline import stage_move
from handover.certificates import certificate_issue
from orders.contracts import ContractInput, contract_cancel, contract_create
from orders.models import PaymentKind
from orders.payments import PaymentInput, payment_record
from orders.requirements import (
    RequirementInput,
    ReviewInput,
    qualification_review_create,
    requirement_create,
)
from orders.services import SubscriptionInput, subscription_cancel, subscription_create
from orders.terms import Instalment

LIABILITY_TERMS = (
    "买受人逾期付款超过30日的，出卖人有权解除合同，买受人按累计逾期应付款的3%支付违约金；"
    "出卖人逾期交付超过90日的，买受人有权解除合同。"
)


@dataclass(frozen=True)
class StageStep(Step):
    """A consultant moves a customer along the pipeline by hand (or marks them lost)."""

    phone: str
    to_stage: str
    by: str
    reason: str = ""

    def apply(self, office: Office) -> None:
        stage_move(
            customer=office.customer(self.phone),
            to_stage=self.to_stage,
            reason=self.reason,
            acting_user=office.user(self.by),
        )


@dataclass(frozen=True)
class RequirementStep(Step):
    """客户需求确认单, filled in with the consultant and signed by the customer."""

    phone: str
    consultant: str
    unit: str
    budget: Decimal
    area: Decimal
    payment_method: str
    signed_at: datetime

    def apply(self, office: Office) -> None:
        unit = office.unit(self.unit)
        requirement_create(
            customer=office.customer(self.phone),
            data=RequirementInput(
                consultant=office.user(self.consultant),
                budget=self.budget,
                layout=unit.layout,
                area_min=self.area - 10,
                area_max=self.area + 10,
                payment_method=self.payment_method,
                intended_units=(unit,),
                notes="客户已看样板间，确认意向房源",
                signed_at=self.signed_at,
            ),
            acting_user=office.user(self.consultant),
        )


@dataclass(frozen=True)
class SubscribeStep(Step):
    unit: str
    phone: str
    consultant: str  # the closer
    price: Decimal
    deposit: Decimal
    occurred_at: datetime
    owner_absent: bool = False
    deposit_only: bool = False
    assisted_by: str = ""
    note: str = ""

    def apply(self, office: Office) -> None:
        closer = office.user(self.consultant)
        subscription_create(
            data=SubscriptionInput(
                unit=office.unit(self.unit),
                customer=office.customer(self.phone),
                consultant=closer,
                deposit=self.deposit,
                occurred_at=self.occurred_at,
                owner_absent=self.owner_absent,
                deposit_only=self.deposit_only,
                assisted_by=office.users.get(self.assisted_by),
                price=self.price,
                note=self.note,
            ),
            acting_user=closer,
        )


@dataclass(frozen=True)
class ReviewStep(Step):
    """购房资格审核 by the manager; a review missing the proof of funds fails."""

    phone: str
    id_number: str
    funds_proof: bool = True
    note: str = ""

    def apply(self, office: Office) -> None:
        qualification_review_create(
            customer=office.customer(self.phone),
            data=ReviewInput(
                id_checked=True,
                eligible=True,
                funds_proof=self.funds_proof,
                note=self.note,
                id_number=self.id_number,
            ),
            acting_user=office.user(MANAGER),
        )


@dataclass(frozen=True)
class ContractStep(Step):
    """签约, prepared by the clerk (内业) from the subscription."""

    unit: str
    price: Decimal
    payment_method: str
    schedule: tuple[tuple[date, Decimal, str], ...]
    signed_at: datetime
    down_payment: Decimal | None = None
    loan_amount: Decimal | None = None

    def apply(self, office: Office) -> None:
        contract_create(
            data=ContractInput(
                subscription=office.subscription(self.unit),
                price=self.price,
                payment_method=self.payment_method,
                schedule=tuple(
                    Instalment(due, amount, label) for due, amount, label in self.schedule
                ),
                signed_at=self.signed_at,
                down_payment=self.down_payment,
                loan_amount=self.loan_amount,
                liability_terms=LIABILITY_TERMS,
            ),
            acting_user=office.user(CLERKS[0]),
        )


@dataclass(frozen=True)
class PaymentStep(Step):
    """Money in (or a refund out), recorded by finance with the next receipt number."""

    unit: str
    amount: Decimal
    paid_at: datetime
    method: str
    kind: str = PaymentKind.PAYMENT
    invoice_no: str = ""
    note: str = ""

    def apply(self, office: Office) -> None:
        payment_record(
            data=PaymentInput(
                contract=office.contract(self.unit),
                amount=self.amount,
                paid_at=self.paid_at,
                method=self.method,
                kind=self.kind,
                invoice_no=self.invoice_no,
                note=self.note,
            ),
            acting_user=office.user(FINANCE),
        )


@dataclass(frozen=True)
class CertificateStep(Step):
    """房款付清证明, issued by finance once nothing is outstanding."""

    unit: str

    def apply(self, office: Office) -> None:
        certificate_issue(contract=office.contract(self.unit), acting_user=office.user(FINANCE))


@dataclass(frozen=True)
class CancelSubscriptionStep(Step):
    """退订, approved by the manager."""

    unit: str
    reason: str

    def apply(self, office: Office) -> None:
        subscription_cancel(
            subscription=office.subscription(self.unit),
            reason=self.reason,
            acting_user=office.user(MANAGER),
        )


@dataclass(frozen=True)
class CancelContractStep(Step):
    """退房, approved by the manager; finance refunds afterwards."""

    unit: str
    reason: str

    def apply(self, office: Office) -> None:
        contract_cancel(
            contract=office.contract(self.unit),
            reason=self.reason,
            acting_user=office.user(MANAGER),
        )

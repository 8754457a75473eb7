"""Money on a contract, recorded by finance (and only finance: API.md): payments with their
receipt (收据) and optional invoice (发票) numbers, refunds as negative movements with their own
receipts. Nothing is edited; the last yuan paid moves the unit to ``paid_off``.

Receipt numbers come from the project's gapless sequence, taken last, under the unit's lock
(the deal's mutex, see orders/contracts.py): a rolled-back payment gives its number back, and
two cashiers never get the same one. A number written by hand is accepted when unused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.balances import outstanding, paid_total
from orders.contracts import lock_contract, settled_status
from orders.models import (
    Contract,
    ContractCancellation,
    DepositSettlement,
    Payment,
    PaymentKind,
    UnitStatus,
)
from orders.services import lock_unit
from orders.terms import check_payment, check_refund
from projects.access import has_role, is_member
from projects.models import Project
from projects.numbering import formatted, next_number
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

RECEIPT_PREFIX = "SJ"  # 收据
# Methods the finance desk offers; the API takes any short text (a bank's name, 支付宝 …).
METHODS = ("transfer", "pos", "cash", "cheque", "loan")


@dataclass(frozen=True)
class PaymentInput:
    contract: Contract
    amount: Decimal  # the movement's size; a refund is stored negative
    paid_at: datetime
    method: str
    kind: str = PaymentKind.PAYMENT
    receipt_no: str = ""
    invoice_no: str = ""
    note: str = ""


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    outstanding: Decimal
    paid_off: bool


def ensure_finance(user, project: Project) -> None:
    if not (has_role(user, Role.FINANCE) and is_member(user, project)):
        raise NotPermitted(_("Only finance records payments and refunds."))


def _invalid(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def _check_shape(data: PaymentInput, now: datetime) -> None:
    if data.kind not in PaymentKind.values:
        raise _invalid("kind", _("A payment or a refund."))
    if not data.method.strip():
        raise _invalid("method", _("Say how it was paid."), "method_required")
    if data.paid_at > now:
        raise _invalid("paid_at", _("The payment cannot be in the future."), "paid_in_future")


def _check_amount(data: PaymentInput, cancelled: bool) -> Decimal:
    """The signed movement, once the amount fits what is owed (or what can be given back)."""
    contract = data.contract
    paid = paid_total(contract)
    if data.kind == PaymentKind.REFUND:
        check_refund(data.amount, contract.subscription.deposit, paid)
        return -data.amount
    if cancelled:
        raise Conflict(
            _("Contract %(number)s is cancelled: only refunds are recorded on it.")
            % {"number": contract.number},
            code="contract_cancelled",
        )
    check_payment(data.amount, outstanding(contract, paid))
    return data.amount


def _constraint(exc: IntegrityError) -> str:
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""


def _taken(field: str) -> Conflict:
    if field == "invoice_no":
        message, code = _("This invoice number is already used in this project."), "invoice_taken"
    else:
        message, code = _("This receipt number is already used in this project."), "receipt_taken"
    return Conflict(message, code=code, fields={field: [message]})


def _insert(fields: dict) -> Payment:
    """One movement in a savepoint, so that a taken number leaves the transaction usable."""
    try:
        with transaction.atomic():
            return Payment.objects.create(**fields)
    except IntegrityError as exc:
        if _constraint(exc) == "invoice_unique":
            raise _taken("invoice_no") from exc
        if _constraint(exc) == "receipt_unique":
            raise _taken("receipt_no") from exc
        raise


def receipt_used(project: Project, receipt_no: str) -> bool:
    """Whether a receipt of the project carries this number: a payment's or a refunded
    deposit's (DepositSettlement), which share the project's receipt numbers."""
    return (
        Payment.objects.filter(project=project, receipt_no=receipt_no).exists()
        or DepositSettlement.objects.filter(project=project, receipt_no=receipt_no).exists()
    )


def next_receipt_no(project: Project) -> str:
    """The project's next receipt number; one written by hand earlier is skipped, never given
    twice. Inside the transaction that uses it (a rollback gives it back)."""
    while True:
        receipt_no = formatted(project, RECEIPT_PREFIX, next_number(project, "receipt"))
        if not receipt_used(project, receipt_no):
            return receipt_no


def _insert_numbered(project: Project, fields: dict) -> Payment:
    while True:
        receipt_no = next_receipt_no(project)
        try:
            return _insert({**fields, "receipt_no": receipt_no})
        except Conflict as exc:
            if exc.code != "receipt_taken":
                raise


def _store(data: PaymentInput, amount: Decimal, now: datetime, acting_user) -> Payment:
    project = data.contract.project
    invoice_no, receipt_no = data.invoice_no.strip(), data.receipt_no.strip()
    used = Payment.objects.filter(project=project)
    if invoice_no and used.filter(invoice_no=invoice_no).exists():
        raise _taken("invoice_no")
    fields = {
        "project": project,
        "contract": data.contract,
        "kind": data.kind,
        "amount": amount,
        "paid_at": data.paid_at,
        "method": data.method.strip(),
        "invoice_no": invoice_no,
        "note": data.note.strip(),
        "entered_at": now,
        "entered_by": acting_user,
    }
    if not receipt_no:
        return _insert_numbered(project, fields)
    if receipt_used(project, receipt_no):
        raise _taken("receipt_no")
    return _insert({**fields, "receipt_no": receipt_no})


def payment_record(*, data: PaymentInput, acting_user) -> PaymentResult:
    """A payment (or refund) on a contract with its receipt; the unit follows the balance."""
    contract = data.contract
    ensure_finance(acting_user, contract.project)
    now = timezone.now()
    _check_shape(data, now)
    with transaction.atomic():
        unit = lock_unit(contract.subscription.unit)
        lock_contract(contract)
        cancelled = ContractCancellation.objects.filter(contract=contract).exists()
        amount = _check_amount(data, cancelled)
        payment = _store(data, amount, now, acting_user)
        left = outstanding(contract)
        if not cancelled and unit.status in (UnitStatus.CONTRACTED, UnitStatus.PAID_OFF):
            unit.status = settled_status(left)
            unit.save(update_fields=["status"])
    return PaymentResult(payment, left, paid_off=not cancelled and left <= 0)

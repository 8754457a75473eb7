"""退订 before any contract: finance decides what becomes of the deposit (DOMAIN.md §8).

A subscription cancelled before its contract leaves its deposit with the developer until finance
settles it, once: refunded (whole or in part, never more than the deposit), with a receipt from
the project's receipt numbers, or kept (定金不退) with the reason. A deposit credited to a
contract is refunded on that contract instead (orders/payments.py). Nothing is edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import DepositOutcome, DepositSettlement, Subscription
from orders.payments import ensure_finance, next_receipt_no
from orders.services import lock_unit
from orders.terms import check_refund
from projects.models import Project
from salesoffice.errors import Conflict, DomainError

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DepositInput:
    subscription: Subscription
    outcome: str
    amount: Decimal = ZERO  # what is given back, when refunded
    paid_at: datetime | None = None
    method: str = ""
    note: str = ""


def _invalid(field: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def _check(data: DepositInput, now: datetime) -> None:
    if data.outcome not in DepositOutcome.values:
        raise _invalid("outcome", _("Refunded or kept."), "invalid")
    if data.outcome == DepositOutcome.FORFEITED:
        if not data.note.strip():
            raise _invalid("note", _("Say why the deposit is kept."), "reason_required")
        return
    check_refund(data.amount, data.subscription.deposit, ZERO)
    if not data.method.strip():
        raise _invalid("method", _("Say how it was paid."), "method_required")
    if data.paid_at is None:
        raise _invalid("paid_at", _("Say when it was refunded."), "required")
    if data.paid_at > now:
        raise _invalid("paid_at", _("The payment cannot be in the future."), "paid_in_future")


def _refuse_unless_waiting(subscription: Subscription) -> None:
    if not hasattr(subscription, "cancellation"):
        raise Conflict(
            _("The subscription is not cancelled: its deposit is still on the deal."),
            code="not_cancelled",
        )
    if hasattr(subscription, "contract"):
        raise Conflict(
            _("A contract was signed: refund the deposit on the contract."),
            code="contract_signed",
        )
    if DepositSettlement.objects.filter(subscription=subscription).exists():
        raise Conflict(_("This deposit is already settled."), code="already_settled")


def deposit_settle(*, data: DepositInput, acting_user) -> DepositSettlement:
    """Finance settles a cancelled subscription's deposit, once."""
    subscription = data.subscription
    project = subscription.project
    ensure_finance(acting_user, project)
    now = timezone.now()
    _check(data, now)
    refunded = data.outcome == DepositOutcome.REFUNDED
    with transaction.atomic():
        lock_unit(subscription.unit)  # the deal's mutex, as for every movement of its money
        subscription = Subscription.objects.select_related("cancellation", "contract").get(
            pk=subscription.pk
        )
        _refuse_unless_waiting(subscription)
        return DepositSettlement.objects.create(
            project=project,
            subscription=subscription,
            outcome=data.outcome,
            refunded=data.amount if refunded else ZERO,
            paid_at=data.paid_at if refunded else None,
            method=data.method.strip() if refunded else "",
            receipt_no=next_receipt_no(project) if refunded else "",
            note=data.note.strip(),
            entered_at=now,
            entered_by=acting_user,
        )


def deposits_waiting(project: Project) -> QuerySet:
    """Cancelled subscriptions without a contract whose deposit finance has not settled,
    oldest cancellation first: the finance desk's to-do."""
    return (
        Subscription.objects.filter(
            project=project,
            cancellation__isnull=False,
            contract__isnull=True,
            deposit_settlement__isnull=True,
        )
        .select_related("customer", "unit", "cancellation")
        .order_by("cancellation__occurred_at", "pk")
    )

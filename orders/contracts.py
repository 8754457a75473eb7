"""Contracts (合同) from subscriptions, and their cancellation (退房).

Every write on a deal locks the unit's row first: it is the deal's mutex, so a contract, a
payment and a cancellation of one unit never interleave, and locks are always taken in the same
order (unit, household, contract, number sequence), so concurrent writers cannot deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.services import ensure_manager
from customers.models import Stage
from desk.pipeline import stage_move
from orders.hooks import CONTRACT_CANCELLED
from orders.models import (
    Contract,
    ContractCancellation,
    PaymentMethod,
    ScheduleItem,
    Subscription,
    SubscriptionCancellation,
    Unit,
    UnitStatus,
)
from orders.requirements import latest_review
from orders.services import deal_release, lock_household_of, lock_unit, reason_given
from orders.terms import Instalment, Terms, check_terms, credited_balance
from projects.access import has_role, is_member
from projects.numbering import formatted, next_number
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

CONTRACT_PREFIX = "HT"  # 合同
# The office prepares contracts for anyone; a consultant for the deals they closed or helped.
OFFICE_CONTRACT_ROLES = (Role.CLERK, Role.MANAGER)


@dataclass(frozen=True)
class ContractInput:
    subscription: Subscription
    price: Decimal
    payment_method: str
    schedule: tuple[Instalment, ...]
    signed_at: datetime
    down_payment: Decimal | None = None
    loan_amount: Decimal | None = None
    liability_terms: str = ""


def on_the_deal(user, subscription: Subscription) -> bool:
    return user.pk in {subscription.consultant_id, subscription.assisted_by_id}


def ensure_may_contract(subscription: Subscription, acting_user) -> None:
    if not (acting_user.is_superuser or is_member(acting_user, subscription.project)):
        raise NotPermitted()
    if has_role(acting_user, *OFFICE_CONTRACT_ROLES) or acting_user.is_superuser:
        return
    if not (has_role(acting_user, Role.CONSULTANT) and on_the_deal(acting_user, subscription)):
        raise NotPermitted(_("Only the deal's consultant or the office prepares its contract."))


def _check_input(data: ContractInput) -> None:
    if data.payment_method not in PaymentMethod.values:
        message = _("Choose full payment, instalments or a mortgage.")
        raise DomainError(message, code="invalid", fields={"payment_method": [message]})
    check_terms(
        Terms(
            price=data.price,
            deposit=data.subscription.deposit,
            payment_method=data.payment_method,
            schedule=data.schedule,
            down_payment=data.down_payment,
            loan_amount=data.loan_amount,
        )
    )


def _check_signed_at(data: ContractInput, now: datetime) -> None:
    if data.signed_at > now:
        message = _("The signing cannot be in the future.")
        raise DomainError(message, code="signed_in_future", fields={"signed_at": [message]})


def _ensure_contractable(subscription: Subscription, unit: Unit) -> None:
    """Read under the unit's lock: a cancellation or another contract cannot slip in."""
    if SubscriptionCancellation.objects.filter(subscription=subscription).exists():
        raise Conflict(
            _("This subscription was cancelled: it cannot be contracted."),
            code="subscription_cancelled",
        )
    if Contract.objects.filter(subscription=subscription).exists():
        raise Conflict(_("This deal already has its contract."), code="already_contracted")
    if unit.status != UnitStatus.SUBSCRIBED:
        raise Conflict(
            _("Unit %(unit)s is not held by this subscription (%(status)s).")
            % {"unit": unit, "status": unit.get_status_display()},
            code="unit_not_subscribed",
        )


def _ensure_qualified(subscription: Subscription) -> None:
    review = latest_review(subscription.customer)
    if review is None or not review.passed:
        raise Conflict(
            _("%(customer)s has no passed qualification review: a manager reviews it first.")
            % {"customer": subscription.customer.name},
            code="qualification_required",
        )


def _record(data: ContractInput, number: str, now: datetime, acting_user) -> Contract:
    subscription = data.subscription
    mortgage = data.payment_method == PaymentMethod.MORTGAGE
    contract = Contract.objects.create(
        project=subscription.project,
        subscription=subscription,
        number=number,
        price=data.price,
        payment_method=data.payment_method,
        down_payment=data.down_payment if mortgage else None,
        loan_amount=data.loan_amount if mortgage else None,
        liability_terms=data.liability_terms.strip(),
        signed_at=data.signed_at,
        entered_at=now,
        entered_by=acting_user,
    )
    ScheduleItem.objects.bulk_create(
        ScheduleItem(
            contract=contract,
            sequence=index,
            label=item.label.strip(),
            due=item.due,
            amount=item.amount,
            entered_at=now,
            entered_by=acting_user,
        )
        for index, item in enumerate(data.schedule, start=1)
    )
    return contract


def lock_contract(contract: Contract) -> None:
    """The contract's row, after the unit's (and the household's): the payoff certificate
    (handover) locks it alone, so a refund or a cancellation cannot slip past its check."""
    Contract.objects.select_for_update(of=("self",)).filter(pk=contract.pk).first()


def settled_status(outstanding: Decimal) -> str:
    """A live contract's unit: paid off at the last yuan, contracted before it."""
    return UnitStatus.PAID_OFF if outstanding <= 0 else UnitStatus.CONTRACTED


def contract_create(*, data: ContractInput, acting_user) -> Contract:
    """签约: the deal's contract with its schedule; the deposit is credited to it, the unit
    becomes contracted, the number is the project's next (gapless)."""
    subscription = data.subscription
    ensure_may_contract(subscription, acting_user)
    _check_input(data)
    try:
        with transaction.atomic():
            unit = lock_unit(subscription.unit)
            now = timezone.now()
            _check_signed_at(data, now)
            _ensure_contractable(subscription, unit)
            _ensure_qualified(subscription)
            project = subscription.project
            number = formatted(project, CONTRACT_PREFIX, next_number(project, "contract"))
            contract = _record(data, number, now, acting_user)
            unit.status = settled_status(credited_balance(data.price, subscription.deposit))
            unit.save(update_fields=["status"])
            # The deal closed the customer already; the pipeline records nothing unless a
            # stage was somehow left behind.
            stage_move(
                customer=subscription.customer,
                to_stage=Stage.CLOSED,
                cause=f"subscription:{subscription.pk}",
                acting_user=acting_user,
            )
    except IntegrityError as exc:
        # The one-to-one on the subscription, should a writer have skipped the unit's lock.
        raise Conflict(_("This deal already has its contract."), code="already_contracted") from exc
    return contract


# -- cancellation (退房) --------------------------------------------------------------------


def _ensure_cancellable(contract: Contract, unit: Unit) -> None:
    if ContractCancellation.objects.filter(contract=contract).exists():
        raise Conflict(_("This contract is already cancelled."), code="already_cancelled")
    if unit.status == UnitStatus.HANDED_OVER:
        raise Conflict(
            _("Unit %(unit)s was handed over: the contract is no longer cancelled here.")
            % {"unit": unit},
            code="handed_over",
        )


def contract_cancel(
    *, contract: Contract, reason: str, acting_user
) -> tuple[ContractCancellation, Verdict]:
    """退房, approved by a manager: the contract's cancellation and the subscription's (the
    unit available again, its hold released, the household unlocked). Every row stays; what
    was paid is given back by finance as refunds, each with its own receipt."""
    subscription = contract.subscription
    ensure_manager(acting_user, contract.project)
    reason = reason_given(reason)
    with transaction.atomic():
        unit = lock_unit(subscription.unit)
        household = lock_household_of(subscription.customer)
        lock_contract(contract)
        now = timezone.now()
        _ensure_cancellable(contract, unit)
        cancellation = ContractCancellation.objects.create(
            contract=contract,
            occurred_at=now,
            reason=reason,
            approved_by=acting_user,
            entered_at=now,
            entered_by=acting_user,
        )
        # The subscription's cancellation reopens the customer (closed → negotiating).
        _, verdict = deal_release(
            subscription=subscription,
            unit=unit,
            household=household,
            reason=reason,
            acting_user=acting_user,
            now=now,
        )
        for react in CONTRACT_CANCELLED:
            react(contract=contract, reason=reason, acting_user=acting_user)
    return cancellation, verdict

"""A contract's money rules as pure functions (DOMAIN.md §8), tested without a database.

The schedule — and for a mortgage the down payment plus the loan — covers exactly the price
(API.md: ``schedule_mismatch`` otherwise). The subscription's deposit is credited to it when the
contract is signed (定金转房款): it is the first money settled against the schedule, in due
order, and what is outstanding is the price less the deposit and every payment. Payments never
exceed what is outstanding; refunds never exceed what the customer handed over (the deposit and
every payment, less earlier refunds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from orders.models import PaymentMethod
from salesoffice.errors import Conflict, DomainError
from salesoffice.money import yuan

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Instalment:
    due: date
    amount: Decimal
    label: str = ""


@dataclass(frozen=True)
class Terms:
    price: Decimal
    deposit: Decimal
    payment_method: str
    schedule: tuple[Instalment, ...]
    down_payment: Decimal | None = None
    loan_amount: Decimal | None = None


def _invalid(field: str, message: str, code: str, **extra) -> DomainError:
    return DomainError(message, code=code, fields={field: [message]}, extra=extra)


def amount_text(value: Decimal) -> str:
    """Money in API bodies: a decimal string with two places ("950000.00")."""
    return f"{value:.2f}"


def credited_balance(price: Decimal, deposit: Decimal) -> Decimal:
    """What the contract still asks for once the deposit is credited to it."""
    return price - deposit


def check_terms(terms: Terms) -> None:
    """Raise the first problem a person entering the contract can fix, or return quietly."""
    _check_price(terms)
    _check_schedule_items(terms.schedule)
    _check_schedule_sum(terms)
    _check_mortgage(terms)


def _check_price(terms: Terms) -> None:
    if terms.price <= 0:
        raise _invalid("price", _("The price must be positive."), "invalid")
    if terms.deposit > terms.price:
        raise _invalid(
            "price",
            _("The price %(price)s is below the deposit %(deposit)s already paid.")
            % {"price": yuan(terms.price), "deposit": yuan(terms.deposit)},
            "deposit_exceeds_price",
        )


def _check_schedule_items(schedule: tuple[Instalment, ...]) -> None:
    for index, item in enumerate(schedule, start=1):
        if item.amount <= 0:
            raise _invalid(
                "schedule",
                _("Instalment %(n)s: the amount must be positive.") % {"n": index},
                "invalid_schedule",
            )


def _check_schedule_sum(terms: Terms) -> None:
    expected = terms.price
    given = sum((item.amount for item in terms.schedule), ZERO)
    if given == expected:
        return
    raise _invalid(
        "schedule",
        _(
            "The schedule sums to %(given)s but must sum to the price %(expected)s (the "
            "deposit %(deposit)s is credited to its first instalments)."
        )
        % {
            "given": yuan(given),
            "expected": yuan(expected),
            "deposit": yuan(terms.deposit),
        },
        "schedule_mismatch",
        expected=amount_text(expected),
        given=amount_text(given),
    )


def _check_mortgage(terms: Terms) -> None:
    parts = (terms.down_payment, terms.loan_amount)
    if terms.payment_method != PaymentMethod.MORTGAGE:
        if any(part is not None for part in parts):
            raise _invalid(
                "payment_method",
                _("A down payment and a loan belong to a mortgage only."),
                "not_a_mortgage",
            )
        return
    if any(part is None or part <= 0 for part in parts):
        raise _invalid(
            "loan_amount",
            _("A mortgage needs its down payment and its loan amount."),
            "mortgage_incomplete",
        )
    expected = terms.price
    given = terms.down_payment + terms.loan_amount
    if given != expected:
        raise _invalid(
            "loan_amount",
            _(
                "The down payment and the loan sum to %(given)s but must sum to the price "
                "%(expected)s (the deposit counts towards the down payment)."
            )
            % {"given": yuan(given), "expected": yuan(expected)},
            "mortgage_mismatch",
            expected=amount_text(expected),
            given=amount_text(given),
        )


# -- money movements --------------------------------------------------------------------------


def check_payment(amount: Decimal, outstanding: Decimal) -> None:
    if amount <= 0:
        raise _invalid("amount", _("The amount must be positive."), "invalid")
    if amount > outstanding:
        raise Conflict(
            _("Only %(outstanding)s is outstanding on this contract; %(amount)s is too much.")
            % {"outstanding": yuan(max(outstanding, ZERO)), "amount": yuan(amount)},
            code="overpayment",
            fields={"amount": [_("At most %(max)s.") % {"max": yuan(max(outstanding, ZERO))}]},
            extra={"outstanding": amount_text(outstanding)},
        )


def refundable(deposit: Decimal, paid: Decimal) -> Decimal:
    """What the customer handed over and has not had back: the deposit, payments − refunds."""
    return deposit + paid


def check_refund(amount: Decimal, deposit: Decimal, paid: Decimal) -> None:
    """``amount`` is the refund's size (positive); it is stored as a negative movement."""
    if amount <= 0:
        raise _invalid("amount", _("The amount must be positive."), "invalid")
    most = refundable(deposit, paid)
    if amount > most:
        raise Conflict(
            _("Only %(most)s was paid and not yet refunded; %(amount)s cannot be refunded.")
            % {"most": yuan(max(most, ZERO)), "amount": yuan(amount)},
            code="over_refund",
            fields={"amount": [_("At most %(max)s.") % {"max": yuan(max(most, ZERO))}]},
            extra={"refundable": amount_text(most)},
        )

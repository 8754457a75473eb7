"""Before the contract (seed 000, DOMAIN.md §8): the customer's requirements as confirmed and
signed (客户需求确认单), and the manager's qualification review (购房资格审核).

Both are ledger events: a new confirmation supersedes the last, a signature is recorded as a
signed copy of it, and a new review replaces the verdict of an earlier one. The ID-card number
a review checks is kept on the customer, encrypted, and shown masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.services import ensure_acts_for, ensure_manager
from attribution.visibility import household_in_view
from customers.models import Customer
from orders.models import PaymentMethod, QualificationReview, RequirementConfirmation, Unit
from orders.services import CLOSING_ROLES
from projects.access import has_role, is_member, projects_of
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotFound, NotPermitted

# Who confirms requirements with a customer: the consultant, or the office for them.
REQUIREMENT_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER)
# 18 digits (the last may be X) or the old 15-digit cards.
ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")


def _invalid(field: str, message: str, code: str) -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def visible_customer(viewer, pk: int) -> tuple[Customer, Verdict]:
    """The customer and their household's verdict, or 404 for whoever may not see them in
    full (§11): the answer does not tell a stranger that the customer exists."""
    customer = Customer.objects.select_related("project", "household").filter(pk=pk).first()
    if customer is None or not is_member(viewer, customer.project):
        raise NotFound(_("No such customer."), code="unknown_customer")
    verdict, in_full = household_in_view(customer, viewer)
    if not in_full:
        raise NotFound(_("No such customer."), code="unknown_customer")
    return customer, verdict


# -- requirement confirmation (客户需求确认单) ----------------------------------------------


@dataclass(frozen=True)
class RequirementInput:
    consultant: object
    budget: Decimal | None = None
    layout: str = ""
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    payment_method: str = ""
    intended_units: tuple[Unit, ...] = ()
    notes: str = ""
    signed_at: datetime | None = None


def _check_requirements(customer: Customer, data: RequirementInput) -> None:
    if data.budget is not None and data.budget <= 0:
        raise _invalid("budget", _("The budget must be positive."), "invalid")
    if data.area_min is not None and data.area_max is not None and data.area_min > data.area_max:
        raise _invalid(
            "area_max", _("The largest area is below the smallest."), "invalid_area_range"
        )
    if data.payment_method and data.payment_method not in PaymentMethod.values:
        raise _invalid("payment_method", _("Unknown payment method."), "invalid")
    if any(unit.project_id != customer.project_id for unit in data.intended_units):
        raise _invalid("intended_units", _("No such unit in this project."), "unknown_unit")


def _ensure_may_confirm(customer: Customer, consultant, acting_user) -> None:
    if not has_role(acting_user, *REQUIREMENT_ROLES):
        raise NotPermitted()
    ensure_acts_for(acting_user, consultant, customer.project)
    if not has_role(consultant, *CLOSING_ROLES):
        raise _invalid("consultant", _("Name the customer's consultant."), "not_a_consultant")


def requirement_create(
    *, customer: Customer, data: RequirementInput, acting_user
) -> RequirementConfirmation:
    """A confirmation of what the customer asked for; it supersedes the previous one."""
    _ensure_may_confirm(customer, data.consultant, acting_user)
    _check_requirements(customer, data)
    now = timezone.now()
    if data.signed_at is not None and data.signed_at > now:
        raise _invalid("signed_at", _("The signature cannot be in the future."), "signed_in_future")
    with transaction.atomic():
        confirmation = RequirementConfirmation.objects.create(
            project=customer.project,
            customer=customer,
            consultant=data.consultant,
            budget=data.budget,
            layout=data.layout.strip(),
            area_min=data.area_min,
            area_max=data.area_max,
            payment_method=data.payment_method,
            notes=data.notes.strip(),
            signed_at=data.signed_at,
            entered_at=now,
            entered_by=acting_user,
        )
        confirmation.intended_units.set(data.intended_units)
    return confirmation


def requirement_input_of(confirmation: RequirementConfirmation) -> RequirementInput:
    return RequirementInput(
        consultant=confirmation.consultant,
        budget=confirmation.budget,
        layout=confirmation.layout,
        area_min=confirmation.area_min,
        area_max=confirmation.area_max,
        payment_method=confirmation.payment_method,
        intended_units=tuple(confirmation.intended_units.all()),
        notes=confirmation.notes,
    )


def requirement_sign(
    *, confirmation: RequirementConfirmation, signed_at: datetime | None, acting_user
) -> RequirementConfirmation:
    """The customer signed the printed form: a signed copy supersedes it (rows never change)."""
    if confirmation.signed_at is not None:
        raise Conflict(_("This confirmation is already signed."), code="already_signed")
    latest = requirements_of(confirmation.customer).first()
    if latest is not None and latest.pk != confirmation.pk:
        raise Conflict(
            _("A newer confirmation supersedes this one: have that one signed."),
            code="superseded",
        )
    data = replace(requirement_input_of(confirmation), signed_at=signed_at or timezone.now())
    return requirement_create(customer=confirmation.customer, data=data, acting_user=acting_user)


def confirmation_for(viewer, pk: int) -> RequirementConfirmation:
    """A confirmation of the viewer's projects, of a customer they may see in full (§11), or
    404: what its print, its page and its API are answered with."""
    confirmation = (
        RequirementConfirmation.objects.select_related("project", "customer", "consultant")
        .filter(pk=pk, project__in=projects_of(viewer))
        .first()
    )
    if confirmation is None:
        raise NotFound(_("No such requirement confirmation."))
    visible_customer(viewer, confirmation.customer_id)
    return confirmation


def requirements_of(customer: Customer):
    """Newest first: the first is the one in force."""
    return (
        RequirementConfirmation.objects.filter(customer=customer)
        .select_related("consultant", "entered_by")
        .prefetch_related("intended_units")
        .order_by("-entered_at", "-id")
    )


# -- qualification review (购房资格审核) ------------------------------------------------------


@dataclass(frozen=True)
class ReviewInput:
    id_checked: bool
    eligible: bool
    funds_proof: bool
    note: str = ""
    id_number: str = ""


def normalise_id_number(text: str) -> str:
    """Spaces dropped and a lower-case x read as X; '' stays '' (no number given)."""
    value = re.sub(r"\s+", "", text or "").upper()
    if value and not ID_NUMBER.match(value):
        raise _invalid(
            "id_number",
            _("An ID-card number has 18 characters: 17 digits and a digit or X."),
            "invalid_id_number",
        )
    return value


def qualification_review_create(
    *, customer: Customer, data: ReviewInput, acting_user
) -> QualificationReview:
    """A manager's checklist: passed only when the ID, the eligibility and the funds are all
    checked. The latest review is the one a contract looks at."""
    ensure_manager(acting_user, customer.project)
    id_number = normalise_id_number(data.id_number)
    with transaction.atomic():
        now = timezone.now()
        if id_number and id_number != customer.id_number:
            customer.id_number = id_number
            # Saved, not updated: the customer's history keeps who changed it and when.
            customer.save(update_fields=["id_number"])
        return QualificationReview.objects.create(
            project=customer.project,
            customer=customer,
            id_checked=data.id_checked,
            eligible=data.eligible,
            funds_proof=data.funds_proof,
            note=data.note.strip(),
            passed=data.id_checked and data.eligible and data.funds_proof,
            entered_at=now,
            entered_by=acting_user,
        )


def latest_review(customer: Customer) -> QualificationReview | None:
    return (
        QualificationReview.objects.filter(customer=customer)
        .select_related("entered_by")
        .order_by("-entered_at", "-id")
        .first()
    )

"""Reads about customers, with the visibility rules of DOMAIN.md §11 applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from attribution.facts import Ledger, Verdict
from attribution.selectors import household_verdict_with_ledger
from attribution.windows import day_bounds, local_day
from customers.models import Customer, HouseholdLink, LookupLog, Registration
from customers.phones import mask_phone
from projects.access import has_role, is_office_staff
from projects.models import Project
from projects.roles import Role


def served_today_in(ledger: Ledger, user, project: Project, now: datetime) -> bool:
    """The consultant received someone of the household today (helper or walk-in service)."""
    start, end = day_bounds(local_day(now, project.tzinfo), project.tzinfo)
    return any(
        r.consultant == user.username and start <= r.occurred_at < end for r in ledger.registrations
    )


def may_see_in_full(user, customer: Customer, verdict: Verdict, ledger: Ledger, now) -> bool:
    """Office staff see everyone; a consultant only the households they own or serve today."""
    if is_office_staff(user) or has_role(user, Role.FINANCE):
        return True
    if not has_role(user, Role.CONSULTANT):
        return False
    if verdict.owner == user.username:
        return True
    return served_today_in(ledger, user, customer.project, now)


def household_in_view(customer: Customer, user, at: datetime | None = None):
    """The household's verdict, and whether ``user`` may see the customer in full (§11)."""
    at = at or timezone.now()
    verdict, ledger = household_verdict_with_ledger(customer.household, customer.project, at)
    return verdict, may_see_in_full(user, customer, verdict, ledger, at)


@dataclass(frozen=True)
class LookupResult:
    customer: Customer | None
    verdict: Verdict | None
    full_view: bool


def lookup_phone(*, project: Project, phone: str, viewer, at: datetime) -> LookupResult:
    customer = (
        Customer.objects.select_related("project", "household")
        .filter(project=project, phone=phone)
        .first()
    )
    if customer is None:
        return LookupResult(None, None, False)
    return LookupResult(customer, *household_in_view(customer, viewer, at))


def customer_with_timeline(customer_id: int) -> Customer | None:
    """A customer with household members, registrations and follow-ups in constant queries."""
    return (
        Customer.objects.select_related("project", "household")
        .prefetch_related(
            Prefetch("household__members", queryset=Customer.objects.order_by("id")),
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related(
                    "consultant", "entered_by", "mentioned_consultant"
                ).prefetch_related("corrections__entered_by"),
            ),
            "follow_ups__consultant",
            "follow_ups__entered_by",
        )
        .filter(pk=customer_id)
        .first()
    )


def lookup_phone_logged(*, project: Project, phone: str, viewer, at: datetime) -> LookupResult:
    """A lookup made by staff (API or front desk): answered, then written to the audit log.

    Every channel goes through here so that no screen can look a phone up unseen (§11).
    """
    result = lookup_phone(project=project, phone=phone, viewer=viewer, at=at)
    LookupLog.objects.create(
        project=project,
        phone_masked=mask_phone(phone),
        customer=result.customer,
        entered_at=at,
        entered_by=viewer,
    )
    return result


def household_links_of(customer: Customer):
    """The A3 links this customer is part of, either side, with the people named on them."""
    return HouseholdLink.objects.filter(Q(customer=customer) | Q(relative=customer)).select_related(
        "customer", "relative", "entered_by"
    )

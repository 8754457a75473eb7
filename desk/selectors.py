"""The front desk's reads: the phone lookup, answered as the viewer may see it, and logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from attribution.facts import Verdict
from attribution.visibility import household_in_view
from customers.models import Customer, LookupLog
from customers.phones import mask_phone
from projects.models import Project


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

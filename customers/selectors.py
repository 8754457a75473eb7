"""Reads of the customer record: a customer with their timeline, their family links. Who may
see them is decided above (attribution.visibility)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from customers.models import Customer, HouseholdLink, Registration


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


def household_links_of(customer: Customer):
    """The A3 links this customer is part of, either side, with the people named on them."""
    return HouseholdLink.objects.filter(Q(customer=customer) | Q(relative=customer)).select_related(
        "customer", "relative", "entered_by"
    )

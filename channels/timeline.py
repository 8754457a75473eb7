"""A channel's confirmed visit (到访确认) on the customer page's timeline (a registered timeline
source, one query)."""

from __future__ import annotations

from channels.models import VisitConfirmation
from customers.models import Customer
from customers.page_presenters import TimelineEntry


def confirmation_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    confirmations = VisitConfirmation.objects.filter(customer=customer).select_related(
        "report__agent", "entered_by"
    )
    return [
        TimelineEntry(
            "channel",
            confirmation.visit_at,
            confirmation,
            template="channels/partials/timeline_confirmation.html",
        )
        for confirmation in confirmations
    ]

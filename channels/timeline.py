"""A channel's confirmed visit (到访确认) on the customer page's timeline (a registered timeline
source, one query)."""

from __future__ import annotations

from channels.models import VisitConfirmation
from customers.models import Customer
from customers.timeline import TimelineEntry, timeline_entries


def confirmation_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    confirmations = VisitConfirmation.objects.filter(customer=customer).select_related(
        "report__agent", "entered_by"
    )
    return timeline_entries(
        "channel", confirmations, "channels/partials/timeline_confirmation.html", at="visit_at"
    )

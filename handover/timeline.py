"""The payoff certificate and the handover on the customer page's timeline (registered timeline
sources, one query each)."""

from __future__ import annotations

from customers.models import Customer
from customers.timeline import TimelineEntry, timeline_entries
from handover.models import KeyHandover, PayoffCertificate


def certificate_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    certificates = PayoffCertificate.objects.filter(
        contract__subscription__customer=customer
    ).select_related("contract", "entered_by", "revocation")
    return timeline_entries(
        "certificate", certificates, "handover/partials/timeline_certificate.html"
    )


def handover_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    """The keys handed over: the day the owner moved in, by whoever gave them."""
    handed = KeyHandover.objects.filter(handover__customer=customer).select_related(
        "handover__unit", "entered_by"
    )
    return timeline_entries("handover", handed, "handover/partials/timeline_handover.html")


SOURCES = (certificate_timeline_entries, handover_timeline_entries)

"""Channel reports as the API shows them. An agent's view carries only what the agent typed and
what became of it; the site's side (which customer it matched, skimming flags, the visit's
registration) is for the front desk and managers only (DOMAIN.md §11)."""

from __future__ import annotations

from datetime import datetime

from channels.models import ChannelReport, ReportEndOutcome, SignatureParty, VisitConfirmation
from channels.reporting import refusal_text
from projects.access import person
from salesoffice.api import iso


def report_payload(report: ChannelReport, *, now: datetime, staff: bool) -> dict:
    tz = report.project.tzinfo
    confirmation = getattr(report, "confirmation", None)
    body = {
        "id": report.pk,
        "project": report.project.code,
        "channel": report.channel_name,
        "name": report.name,
        "gender": report.gender,
        "phone_visible": report.phone_visible,
        "reported_at": iso(report.reported_at, tz),
        "valid_until": iso(report.valid_until, tz),
        "status": str(report.status_at(now)),
        "refusal": refusal_payload(report),
        "end": end_payload(report, tz),
        "confirmation": confirmation_payload(confirmation, tz) if confirmation else None,
    }
    if staff:
        body.update(site_payload(report, tz))
    return body


def refusal_payload(report: ChannelReport) -> dict | None:
    if not report.refused:
        return None
    return {"code": report.refusal_code, "reason": refusal_text(report.refusal_code)}


def end_payload(report: ChannelReport, tz) -> dict | None:
    ends = sorted(report.ends.all(), key=lambda e: e.outcome != ReportEndOutcome.INVALID)
    if not ends:
        return None
    return {"outcome": ends[0].outcome, "code": ends[0].code, "at": iso(ends[0].entered_at, tz)}


def confirmation_payload(confirmation: VisitConfirmation, tz) -> dict:
    signed = {s.party: s for s in confirmation.signatures.all()}
    return {
        "status": "confirmed",
        "visit_at": iso(confirmation.visit_at, tz),
        "confirmed_at": iso(confirmation.confirmed_at, tz),
        "protected_until": iso(confirmation.protected_until, tz),
        "signatures": {
            party: (
                {**person(signed[party].signer), "signed_at": iso(signed[party].signed_at, tz)}
                if party in signed
                else None
            )
            for party in SignatureParty.values
        },
        "complete": set(signed) == set(SignatureParty.values),
    }


def site_payload(report: ChannelReport, tz) -> dict:
    confirmation = getattr(report, "confirmation", None)
    customer = report.site_customer
    return {
        "agent": person(report.agent),
        "returning_site_customer": bool(customer) and not report.refused,
        "site_customer": {"id": customer.pk, "name": customer.name} if customer else None,
        "duplicate_of": report.duplicate_of_id,
        "registration": confirmation.registration_id if confirmation else None,
        "skimming": [
            {
                "received_at": iso(flag.received_at, tz),
                "reception": flag.reception_id,
                "registration": flag.registration_id,
            }
            for flag in report.skimming_flags.all()
        ],
    }

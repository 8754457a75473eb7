"""Customers and registrations as the API shows them (times in the project's zone)."""

from __future__ import annotations

from attribution.explain import verdict_payload, verdict_usernames
from attribution.facts import Verdict
from attribution.selectors import names_for
from customers.models import Customer, Registration
from customers.validity import reason_text
from projects.access import person
from salesoffice.api import iso


def registration_payload(registration: Registration, tz) -> dict:
    customer = registration.customer
    reasons = list(registration.invalid_reasons)
    return {
        "id": registration.pk,
        "kind": registration.kind,
        "occurred_at": iso(registration.occurred_at, tz),
        "attributed_at": iso(registration.attributed_at, tz),
        "entered_at": iso(registration.entered_at, tz),
        "consultant": person(registration.consultant),
        "valid": registration.valid,
        "invalid_reason": reasons[0] if reasons else None,
        "invalid_reasons": [{"code": c, "message": reason_text(c)} for c in reasons],
        "customer": customer.pk if customer else None,
        "household": customer.household_id if customer else None,
        "source": registration.source,
        "note": registration.note,
    }


def customer_payload(customer: Customer, verdict: Verdict) -> dict:
    tz = customer.project.tzinfo
    registrations = list(customer.registrations.all())
    follow_ups = list(customer.follow_ups.all())
    people = (
        {r.consultant.username for r in registrations}
        | {f.consultant.username for f in follow_ups}
        | verdict_usernames(verdict)
    )
    return {
        "id": customer.pk,
        "project": customer.project.code,
        "name": customer.name,
        "gender": customer.gender,
        "phone": customer.phone,
        "stage": customer.stage,
        "household": {
            "id": customer.household_id,
            "company_name": customer.household.company_name,
            "members": [
                {"id": m.pk, "name": m.name, "phone": m.phone}
                for m in customer.household.members.all()
            ],
        },
        "registrations": [
            {
                **registration_payload(r, tz),
                "corrections": [
                    {
                        "id": c.pk,
                        "reason": c.reason,
                        "void": c.void,
                        "changes": c.changes,
                        "entered_at": iso(c.entered_at, tz),
                        "entered_by": person(c.entered_by),
                    }
                    for c in r.corrections.all()
                ],
            }
            for r in registrations
        ],
        "follow_ups": [
            {
                "id": f.pk,
                "consultant": person(f.consultant),
                "channel": f.channel,
                "occurred_at": iso(f.occurred_at, tz),
                "entered_at": iso(f.entered_at, tz),
                "note": f.note,
            }
            for f in follow_ups
        ],
        "attribution": verdict_payload(verdict, tz, names_for(people)),
    }

"""The API's shapes of certificates and handovers (plain dicts, checked by the Output
serializers of the handover API modules)."""

from __future__ import annotations

from django.urls import reverse

from handover.certificates import is_valid, verify_path
from handover.checklist import steps
from handover.models import PayoffCertificate, UnitHandover
from handover.selectors import progress_of
from projects.access import person
from salesoffice.api import iso
from salesoffice.printing import public_url


def revocation_of(certificate: PayoffCertificate):
    return None if is_valid(certificate) else certificate.revocation


def certificate_payload(certificate: PayoffCertificate, request) -> dict:
    tz = certificate.project.tzinfo
    revocation = revocation_of(certificate)
    pdf = reverse("certificate-pdf", kwargs={"number": certificate.number})
    return {
        "number": certificate.number,
        "verify_code": certificate.verify_code,
        "pdf": request.build_absolute_uri(pdf),
        "verify_url": public_url(verify_path(certificate.verify_code)),
        "status": "revoked" if revocation else "valid",
        "contract": certificate.contract_id,
        "amount": f"{certificate.amount:.2f}",
        "issued_at": iso(certificate.entered_at, tz),
        "issued_by": person(certificate.entered_by),
        "revoked_at": iso(revocation.entered_at, tz) if revocation else None,
        "revoked_by": person(revocation.entered_by) if revocation else None,
        "revocation_reason": revocation.reason if revocation else None,
    }


def slot_payload(slot, tz, booked: int | None = None) -> dict:
    return {
        "id": slot.pk,
        "starts_at": iso(slot.starts_at, tz),
        "ends_at": iso(slot.ends_at, tz),
        "capacity": slot.capacity,
        "booked": getattr(slot, "booked", booked),
    }


def batch_payload(batch, slots, tz) -> dict:
    return {
        "id": batch.pk,
        "project": batch.project.code,
        "name": batch.name,
        "location": batch.location,
        "documents": list(batch.documents),
        "notice": batch.notice,
        "created_at": iso(batch.created_at, tz),
        "slots": [slot_payload(s, tz) for s in slots],
    }


def _step(event, tz) -> dict | None:
    if event is None:
        return None
    return {"at": iso(event.entered_at, tz), "by": person(event.entered_by)}


def handover_payload(handover: UnitHandover, defects, tz) -> dict:
    """A handover with its checklist and what each step recorded."""
    booking = getattr(handover, "booking", None)
    qualification = getattr(handover, "qualification", None)
    confirmation = getattr(handover, "confirmation", None)
    keys = getattr(handover, "keys", None)
    return {
        "id": handover.pk,
        "batch": handover.batch_id,
        "unit": {"id": handover.unit_id, "label": str(handover.unit)},
        "contract": handover.contract_id,
        "customer": {"id": handover.customer_id, "name": handover.customer.name},
        "checklist": [
            {"step": s.name, "done": s.done, "current": s.current}
            for s in steps(progress_of(handover))
        ],
        "slot": slot_payload(booking.slot, tz) if booking else None,
        "qualification": qualification
        and {
            **_step(qualification, tz),
            "certificate": qualification.certificate.number,
        },
        "defects": [defect_payload(d, ticket, tz) for d, ticket in defects],
        "confirmation": confirmation
        and {**_step(confirmation, tz), "signed_by": confirmation.signed_by},
        "keys": keys
        and {
            **_step(keys, tz),
            "key_count": keys.key_count,
            "received_by": keys.received_by,
        },
    }


def defect_payload(defect, ticket, tz) -> dict:
    return {
        "id": defect.pk,
        "inspection": defect.inspection_id,
        "location": defect.location,
        "description": defect.description,
        "severity": defect.severity,
        "photo": bool(defect.photo),
        "ticket": ticket.number if ticket else None,
        **_step(defect, tz),
    }

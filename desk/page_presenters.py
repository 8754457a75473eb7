"""What the server-rendered pages show of a customer: the verdict card and the timeline.

The selectors decide what a viewer may see; these functions only turn what was allowed into
the sentences and rows the templates print. Nothing here queries the database except
``names_for`` (one query for every staff name a card needs) and the timeline sources other
apps register (a constant number of queries each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from attribution.explain import basis_text, status_label, verdict_line, verdict_usernames
from attribution.selectors import names_for
from customers.models import Customer, Gender
from customers.phones import mask_phone
from customers.timeline import TIMELINE_SOURCES, CorrectionRow, TimelineEntry
from customers.validity import reason_text


@dataclass(frozen=True)
class VerdictCard:
    """A customer as the viewer may see them, with who owns the household and why."""

    customer_id: int
    name: str  # empty when the viewer may not see it
    phone: str  # masked when the viewer may not see it
    full_view: bool
    status: str
    status_label: str
    owner: str
    last_owner: str  # who held it before it went to the public pool
    owner_is_viewer: bool
    expires_at: datetime | None
    line: str
    basis: list[tuple[str, str]]  # (rule id, sentence)
    advice: str


def verdict_card(*, customer: Customer, verdict, full_view: bool, viewer, tz: ZoneInfo):
    names = names_for(verdict_usernames(verdict))
    owner = names.get(verdict.owner, verdict.owner or "")
    return VerdictCard(
        customer_id=customer.pk,
        name=customer.name if full_view else "",
        phone=customer.phone if full_view else mask_phone(customer.phone),
        full_view=full_view,
        status=verdict.status,
        status_label=status_label(verdict.status),
        owner=owner,
        last_owner=names.get(verdict.last_owner, verdict.last_owner or ""),
        owner_is_viewer=bool(verdict.owner) and verdict.owner == viewer.username,
        expires_at=verdict.expires_at,
        line=verdict_line(verdict, tz, names),
        basis=[(item.rule, basis_text(item, names, tz)) for item in verdict.basis],
        advice=desk_advice(verdict, viewer, owner),
    )


def desk_advice(verdict, viewer, owner_name: str) -> str:
    """What the front desk does next, in the staff's words (请通知李强接待)."""
    if verdict.status == "pool" or not verdict.owner:
        return _("Public customer: registering this visit starts a new claim.")
    if verdict.status == "pending":
        return _("Pending confirmation: register the visit; a manager confirms the owner.")
    if verdict.owner == viewer.username:
        return _("Your own customer: receive them yourself.")
    if verdict.status == "disputed":
        return _("Disputed: a manager is deciding. Please notify %(owner)s.") % {
            "owner": owner_name
        }
    return _("Please notify %(owner)s to receive them.") % {"owner": owner_name}


def registration_warnings(codes: list[str]) -> list[str]:
    """The service's warnings (a phone given for a referrer or relative that is not on file)."""
    texts = {
        "referrer_not_found": _("No customer has the referrer's phone: no referral was recorded."),
        "relative_not_found": _("No customer has the relative's phone: no family link was made."),
    }
    return [texts.get(code, code) for code in codes]


FIELD_LABELS = {"name": lambda: _("Name"), "gender": lambda: _("Gender")}


def _changed_value(field: str, value: str) -> str:
    if field == "gender":
        return str(dict(Gender.choices).get(value, value))
    return value


def correction_row(correction) -> CorrectionRow:
    changes = [
        (str(FIELD_LABELS[f]()) if f in FIELD_LABELS else f, _changed_value(f, v))
        for f, v in correction.changes.items()
    ]
    return CorrectionRow(correction, correction.void, changes)


def timeline(customer: Customer, links) -> list[TimelineEntry]:
    """Newest first. Corrections ride with the registration they correct, never replace it."""
    entries = [
        TimelineEntry(
            "registration",
            r.occurred_at,
            r,
            reasons=tuple(reason_text(code) for code in r.invalid_reasons),
            corrections=tuple(correction_row(c) for c in r.corrections.all()),
        )
        for r in customer.registrations.all()
    ]
    entries += [TimelineEntry("follow_up", f.occurred_at, f) for f in customer.follow_ups.all()]
    entries += [TimelineEntry("link", link.attributed_at, link) for link in links]
    for source in TIMELINE_SOURCES:
        entries += source(customer)
    return sorted(entries, key=lambda e: (e.at, e.item.entered_at, e.item.pk), reverse=True)

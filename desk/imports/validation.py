"""Validating a row: a :class:`SheetRow` checked against the project's staff and the front
desk's validity rules (``customers.validity``), into the :class:`RowFacts` the import decides
on. One row at a time, in memory: no query."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Kind
from customers.validity import attribution_time, phone_or_defect, reason_text, registration_defects
from desk.imports.context import ImportContext
from desk.imports.sheet import SHEET_GENDER_WORDS, SHEET_KIND_WORDS, SheetRow

FIELD_OF_DEFECT = {
    "name_missing": "name",
    "name_incomplete": "name",
    "phone_missing": "phone",
    "phone_invalid": "phone",
    "occurred_in_future": "occurred_at",
}


@dataclass
class RowFacts:
    """Everything the import decides about one row, before and after the database is asked."""

    row: int
    input: dict[str, str]
    errors: list[dict[str, str]] = field(default_factory=list)
    storable: bool = False
    kind: str = ""
    occurred_at: datetime | None = None
    attributed_at: datetime | None = None
    consultant_id: int | None = None
    name: str = ""
    gender: str = ""
    phone_input: str = ""
    phone: str = ""
    source: str = ""
    note: str = ""
    defects: list[str] = field(default_factory=list)
    status: str = ""
    customer_id: int | None = None
    household_id: int | None = None
    registration_id: int | None = None
    owner: dict[str, str] | None = None
    quota_reached: bool = False
    household_created: bool = False  # this sheet created the customer and their household

    @property
    def dedup_key(self) -> tuple:
        return dedup_key(
            self.phone, self.phone_input, self.name, self.consultant_id, self.kind, self.occurred_at
        )


def dedup_key(phone, phone_input, name, consultant_id, kind, occurred_at) -> tuple:
    # Without a usable phone, what was written (and the name) tells rows apart.
    identity = phone or ("?", phone_input, name)
    return (identity, consultant_id, kind, occurred_at)


def error(code: str, field_name: str, message: str) -> dict[str, str]:
    return {"code": code, "field": field_name, "message": str(message)}


REFUSALS = {
    "consultant_missing": lambda: _("The consultant is missing."),
    "unknown_consultant": lambda: _("No staff member of this project has this name or username."),
    "ambiguous_consultant": lambda: _("Several staff members have this name: use the username."),
    "kind_unreadable": lambda: _("The kind must be 来访 (visit) or 来电 (call)."),
    "occurred_at_missing": lambda: _("The time of the visit or call is missing."),
    "occurred_at_unreadable": lambda: _(
        "The time is not a date and time such as 2026-03-02 10:00."
    ),
}


def row_facts(row: SheetRow, ctx: ImportContext) -> RowFacts:
    """One row's facts: what refuses it outright, else its defects and attribution time.

    Later rules (quota facts, referrers) extend this one function.
    """
    facts = RowFacts(row=row.row, input=row_input(row, ctx.tz))
    consultant_id, consultant_problem = (
        ctx.staff.find(row.consultant) if row.consultant else (None, "consultant_missing")
    )
    refusals = [("consultant", consultant_problem)]
    refusals.append(("kind", None if row.kind in Kind.values else "kind_unreadable"))
    if row.occurred_at is None:
        problem = "occurred_at_unreadable" if row.occurred_at_text else "occurred_at_missing"
        refusals.append(("occurred_at", problem))
    facts.errors = [error(code, name, REFUSALS[code]()) for name, code in refusals if code]
    if facts.errors:
        return facts
    occurred_at = row.occurred_at
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, ctx.tz)
    phone, phone_defect = phone_or_defect(row.phone)
    facts.defects = registration_defects(
        name=row.name,
        gender=row.gender,
        phone_defect=phone_defect,
        occurred_at=occurred_at,
        now=ctx.now,
    )
    facts.errors = [error(d, FIELD_OF_DEFECT.get(d, ""), reason_text(d)) for d in facts.defects]
    return replace(
        facts,
        storable=True,
        kind=row.kind,
        occurred_at=occurred_at,
        attributed_at=attribution_time(occurred_at, ctx.now, ctx.max_delay_hours),
        consultant_id=consultant_id,
        name=row.name[:100],
        gender=row.gender,
        phone_input=row.phone[:64],
        phone=phone,
        source=row.source[:100],
        note=row.note,
    )


def row_input(row: SheetRow, tz: ZoneInfo) -> dict[str, str]:
    """The row in the sheet's own words, for the report (the clerk sees every customer)."""
    when = row.occurred_at_text
    if row.occurred_at is not None:
        local = row.occurred_at
        if timezone.is_aware(local):
            local = local.astimezone(tz)
        when = f"{local:%Y-%m-%d %H:%M}"
    return {
        "kind": SHEET_KIND_WORDS.get(row.kind, row.kind),
        "occurred_at": when,
        "consultant": row.consultant,
        "name": row.name,
        "gender": SHEET_GENDER_WORDS.get(row.gender, ""),
        "phone": row.phone,
        "source": row.source,
        "note": row.note,
    }

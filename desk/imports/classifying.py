"""Classifying the rows: each one created, invalid or duplicate as it would be stored, against
the ledger and the sheet's earlier rows, in two queries per chunk; for a dry run, who owns
each existing customer now."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils.translation import gettext as _

from attribution.selectors import names_for, verdicts_for
from customers.models import Customer, Registration
from desk.imports.context import ImportContext, chunks
from desk.imports.sheet import SheetRow
from desk.imports.validation import RowFacts, dedup_key, error, row_facts
from projects.models import Project


def classify(rows: Sequence[SheetRow], ctx: ImportContext) -> list[RowFacts]:
    """Each row's status as it would be stored: two queries per chunk, none per row."""
    seen: set[tuple] = set()
    result: list[RowFacts] = []
    for chunk in chunks(rows):
        facts = [row_facts(row, ctx) for row in chunk]
        storable = [f for f in facts if f.storable]
        existing = existing_keys(ctx.project, storable)
        customers = customers_by_phone(ctx.project, {f.phone for f in storable if f.phone})
        for f in facts:
            classify_row(f, seen, existing, customers)
        result.extend(facts)
    return result


def classify_row(f: RowFacts, seen: set, existing: set, customers: dict) -> None:
    if not f.storable:
        f.status = "invalid"
        return
    key = f.dedup_key
    if key in existing or key in seen:
        f.status = "duplicate"
        f.errors = [error("duplicate", "", _duplicate_message(key in existing))]
        return
    seen.add(key)
    f.status = "invalid" if f.defects else "created"
    f.customer_id, f.household_id = customers.get(f.phone, (None, None))


def _duplicate_message(already_stored: bool) -> str:
    if already_stored:
        return _("Already registered: same phone, consultant, kind and time.")
    return _("Repeats an earlier row of this sheet.")


def existing_keys(project: Project, facts: Sequence[RowFacts]) -> set[tuple]:
    """The dedup keys already in the ledger for these rows' phones (times matched in memory:
    a phone has few registrations, and the (project, phone) index finds them at once)."""
    phones = {f.phone for f in facts if f.phone}
    phoneless_times = {f.occurred_at for f in facts if not f.phone}
    if not (phones or phoneless_times):
        return set()
    match = Q(phone__in=phones)
    if phoneless_times:
        match |= Q(phone="", occurred_at__in=phoneless_times)
    rows = Registration.objects.filter(match, project=project).values_list(
        "phone", "phone_input", "name", "consultant_id", "kind", "occurred_at"
    )
    return {dedup_key(*row) for row in rows}


def customers_by_phone(project: Project, phones: set[str]) -> dict[str, tuple[int, int]]:
    if not phones:
        return {}
    rows = Customer.objects.filter(project=project, phone__in=phones).values_list(
        "phone", "pk", "household_id"
    )
    return {phone: (pk, household) for phone, pk, household in rows}


def add_owners(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """Who owns each existing customer now, so the check can say 撞单(已归属 张伟)."""
    known = [f for f in facts if f.household_id]
    for chunk in chunks(known):
        verdicts = verdicts_for(ctx.project, {f.household_id for f in chunk}, ctx.now)
        names = names_for(v.owner for v in verdicts.values())
        for f in chunk:
            owner = verdicts[f.household_id].owner
            f.owner = {"username": owner, "name": names.get(owner, owner)} if owner else None

"""Applying the rows: set-based inserts of the new customers (with their households) and the
registrations, the quotas (A9) and late entries counted across the sheet, then the engine's
answer stored for every household touched and a same-day collision's dispute opened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from attribution.facts import Ledger, RegistrationFact
from attribution.models import HouseholdState
from attribution.selectors import LIVE
from attribution.services import household_states_refresh
from customers.models import Customer, Household, Registration
from desk.imports.classifying import customers_by_phone
from desk.imports.context import ImportContext, chunks
from desk.imports.validation import RowFacts
from disputes.models import DisputeKind, ViolationKind
from disputes.opening import dispute_open
from disputes.violations import ViolationDraft, violations_record
from projects.models import Membership
from salesoffice.history import history_of_created


def store(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    to_store = [f for f in facts if f.status in ("created", "invalid") and f.storable]
    for chunk in chunks(new_customer_rows(to_store)):
        create_customers(chunk, ctx)
    new_ids = {f.phone: (f.customer_id, f.household_id) for f in to_store if f.customer_id}
    for f in to_store:
        if f.phone and not f.customer_id and f.phone in new_ids:
            f.customer_id, f.household_id = new_ids[f.phone]
    quotas = QuotaBook.of(ctx, to_store)
    for f in to_store:
        f.quota_reached = quotas.reached(f)
    for chunk in chunks(to_store):
        registrations = Registration.objects.bulk_create([registration_of(f, ctx) for f in chunk])
        for f, registration in zip(chunk, registrations, strict=True):
            f.registration_id = registration.pk
    record_late_entries(to_store, ctx)
    refresh_households(to_store, ctx)


def record_late_entries(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """录入不及时: rows entered beyond ``max_entry_delay_hours`` count from their entry, and
    are a violation of whoever entered them (one insert for the sheet), as at the desk."""
    violations_record(
        [
            ViolationDraft(
                ctx.project,
                ctx.acting_user.pk,
                ViolationKind.LATE_ENTRY,
                ctx.now,
                f"registration:{f.registration_id}",
            )
            for f in facts
            if f.attributed_at != f.occurred_at
        ],
        now=ctx.now,
        acting_user=ctx.acting_user,
    )


@dataclass
class QuotaBook:
    """A9 across a sheet: each consultant's live claims against their quota, counted as the
    rows give them new claims (a row of a household nobody holds, which starts a claim)."""

    quotas: dict[int, int | None]
    counts: dict[int, int]
    live: set[int]
    calls_count: bool

    @classmethod
    def of(cls, ctx: ImportContext, facts: Sequence[RowFacts]) -> QuotaBook:
        consultants = {f.consultant_id for f in facts}
        # The same lock registration_create takes: no desk registration slips past a quota.
        memberships = list(
            Membership.objects.select_for_update()
            .filter(project=ctx.project, user_id__in=consultants)
            .order_by("pk")
            .values_list("user_id", "claim_quota")
        )
        live_states = HouseholdState.objects.filter(
            project=ctx.project, status__in=LIVE, expires_at__gte=ctx.now
        )
        counts = dict(
            live_states.filter(owner_id__in=consultants)
            .values("owner_id")
            .annotate(n=Count("pk"))
            .values_list("owner_id", "n")
        )
        households = {f.household_id for f in facts if f.household_id}
        live = set(
            live_states.filter(household_id__in=households).values_list("household_id", flat=True)
        )
        quotas = {
            user: own if own is not None else ctx.policy.claim_quota for user, own in memberships
        }
        return cls(quotas, counts, live, ctx.policy.calls_establish_claim)

    def reached(self, f: RowFacts) -> bool:
        if f.defects or not f.household_id or f.household_id in self.live:
            return False
        if f.kind == "call" and not self.calls_count:
            return False
        quota = self.quotas.get(f.consultant_id)
        if quota is not None and self.counts.get(f.consultant_id, 0) >= quota:
            return True
        self.counts[f.consultant_id] = self.counts.get(f.consultant_id, 0) + 1
        self.live.add(f.household_id)
        return False


def refresh_households(facts: Sequence[RowFacts], ctx: ImportContext) -> None:
    """The engine's answer for every household the sheet touched, a chunk at a time; a
    same-day collision under the manager's policy opens its dispute, as at the desk."""
    households = sorted({f.household_id for f in facts if f.household_id})
    imported = {f.registration_id: f for f in facts}
    known = created_household_ledgers(facts, ctx)
    for chunk in chunks(households):
        verdicts = household_states_refresh(
            project=ctx.project,
            household_ids=chunk,
            now=ctx.now,
            known={h: known[h] for h in chunk if h in known},
        )
        for verdict in verdicts.values():
            collided = collision_registration(verdict, imported)
            if collided is not None:
                open_collision_dispute(collided, ctx)


def created_household_ledgers(facts: Sequence[RowFacts], ctx: ImportContext) -> dict[int, Ledger]:
    """The whole ledger of each household this sheet created: its rows, nothing else (no
    desk registration can reach a customer our transaction has not yet committed). Reading
    them back would cost most of the attribution refresh."""
    created = {f.household_id: f.customer_id for f in facts if f.household_created}
    usernames = {pk: username for username, pk in ctx.staff.by_username.items()}
    rows: dict[int, list[RegistrationFact]] = defaultdict(list)
    for f in sorted(facts, key=lambda f: f.registration_id or 0):
        if f.household_id in created:
            rows[f.household_id].append(registration_fact(f, ctx, usernames))
    return {h: Ledger(anchor=created[h], registrations=tuple(rows[h])) for h in created}


def registration_fact(f: RowFacts, ctx: ImportContext, usernames: dict) -> RegistrationFact:
    """The row as the engine reads a stored registration (attribution.selectors)."""
    return RegistrationFact(
        id=f.registration_id,
        customer=f.customer_id,
        consultant=usernames.get(f.consultant_id),
        kind=f.kind,
        occurred_at=f.occurred_at,
        attributed_at=f.attributed_at,
        entered_at=ctx.now,
        valid=not f.defects,
        quota_reached=f.quota_reached,
    )


def collision_registration(verdict, imported: dict) -> int | None:
    for item in verdict.basis:
        if item.rule == "A1" and item.params.get("collision") and item.event.id in imported:
            return item.event.id
    return None


def open_collision_dispute(registration_id: int, ctx: ImportContext) -> None:
    registration = Registration.objects.select_related("customer__household", "consultant").get(
        pk=registration_id
    )
    dispute_open(
        household=registration.customer.household,
        claimant=registration.consultant,
        reason=_("Registered the same day by two consultants."),
        acting_user=ctx.acting_user,
        kind=DisputeKind.SAME_DAY,
        registration=registration,
    )


def new_customer_rows(facts: Sequence[RowFacts]) -> list[RowFacts]:
    """The first named row of each phone not yet a customer: a new customer needs a name."""
    first: dict[str, RowFacts] = {}
    for f in facts:
        if f.phone and not f.customer_id and f.name.strip() and f.phone not in first:
            first[f.phone] = f
    return list(first.values())


def create_customers(rows: Sequence[RowFacts], ctx: ImportContext, attempts: int = 3) -> None:
    """Each new customer with a household of their own, in one savepoint.

    A front-desk registration may create one of these phones at this very moment: the unique
    constraint refuses our chunk, the savepoint takes our households with it, and the chunk is
    tried again with the winner's customer read back.
    """
    for attempt in range(attempts):
        pending = [f for f in rows if not f.customer_id]
        if not pending:
            return
        try:
            with transaction.atomic():
                insert_customers(pending, ctx)
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            found = customers_by_phone(ctx.project, {f.phone for f in pending})
            for f in pending:
                f.customer_id, f.household_id = found.get(f.phone, (None, None))


def insert_customers(rows: Sequence[RowFacts], ctx: ImportContext) -> None:
    households = Household.objects.bulk_create([Household(project=ctx.project) for _row in rows])
    customers = Customer.objects.bulk_create(
        [
            Customer(
                project=ctx.project,
                phone=f.phone,
                name=f.name.strip(),
                gender=f.gender,
                household=household,
                origin_household=household,
            )
            for f, household in zip(rows, households, strict=True)
        ]
    )
    for model, created in ((Household, households), (Customer, customers)):
        history_of_created(model, [c.pk for c in created], user=ctx.acting_user, at=ctx.now)
    for f, customer in zip(rows, customers, strict=True):
        f.customer_id, f.household_id = customer.pk, customer.household_id
        f.household_created = True


def registration_of(f: RowFacts, ctx: ImportContext) -> Registration:
    return Registration(
        quota_reached=f.quota_reached,
        project=ctx.project,
        kind=f.kind,
        occurred_at=f.occurred_at,
        attributed_at=f.attributed_at,
        entered_at=ctx.now,
        entered_by=ctx.acting_user,
        consultant_id=f.consultant_id,
        customer_id=f.customer_id,
        name=f.name.strip(),
        gender=f.gender,
        phone_input=f.phone_input,
        phone=f.phone,
        valid=not f.defects,
        invalid_reasons=f.defects,
        source=f.source,
        note=f.note,
        batch=ctx.batch,
    )

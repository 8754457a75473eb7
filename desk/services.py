"""Writes to the ledger. Every function is atomic, reads the clock once, and locks what decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.rotation.receptions import reception_for_registration
from attribution.selectors import names_for, policy_in_force, verdicts_for
from attribution.services import (
    household_states_refresh,
    lock_consultant,
    quota_reached,
    referrer_owner_at,
)
from customers.models import (
    Correction,
    Customer,
    FollowUp,
    Household,
    HouseholdLink,
    Registration,
    Relation,
)
from customers.validity import attribution_time, phone_or_defect, registration_defects
from disputes.models import DisputeKind, ViolationKind
from disputes.opening import dispute_open
from disputes.violations import violation_record
from projects.access import RECEIVING_ROLES, has_role, is_member
from projects.models import Project
from projects.notifications import notify
from projects.roles import Role
from salesoffice.errors import DomainError, NotPermitted


@dataclass
class RegistrationInput:
    kind: str
    occurred_at: datetime
    consultant: AbstractBaseUser
    name: str = ""
    gender: str = ""
    phone: str = ""
    first_visit: bool | None = None
    mentioned_consultant: AbstractBaseUser | None = None
    referrer_phone: str = ""
    referrer_present: bool = False
    declines_referrer_consultant: bool = False
    relation_phone: str = ""
    relation_kind: str = ""
    proxy: bool = False
    returning_unknown: bool = False
    reception: int | None = None
    source: str = ""
    note: str = ""
    intent: dict[str, Any] = field(default_factory=dict)


@dataclass
class RegistrationResult:
    registration: Registration
    warnings: list[str]
    verdict: Verdict | None = None  # the household's verdict right after, when already known


def ensure_may_register_for(*, project: Project, consultant, acting_user) -> None:
    """A consultant registers as themself; clerks and managers for anyone in the project."""
    if not (acting_user.is_superuser or is_member(acting_user, project)):
        raise NotPermitted()
    if consultant.pk == acting_user.pk and has_role(acting_user, *RECEIVING_ROLES):
        return
    if not has_role(acting_user, Role.CLERK, Role.MANAGER):
        raise NotPermitted(_("A consultant may register only their own customers."))


def customer_get_or_create(*, project: Project, phone: str, name: str, gender: str) -> Customer:
    """The customer of this phone, created with a household of their own if new.

    Two requests for one new phone race to insert; the unique constraint lets exactly one win
    and the loser, whose savepoint rolls back its own household, reads the winner's row.
    """
    existing = Customer.objects.filter(project=project, phone=phone).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            household = Household.objects.create(project=project)
            return Customer.objects.create(
                project=project,
                phone=phone,
                name=name.strip(),
                gender=gender,
                household=household,
                origin_household=household,
            )
    except IntegrityError:
        return Customer.objects.get(project=project, phone=phone)


def lock_households(*households: Household) -> None:
    """Row locks in id order, so two writers touching the same pair cannot deadlock."""
    ids = sorted({h.pk for h in households if h is not None})
    list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def registration_create(
    *, project: Project, data: RegistrationInput, acting_user
) -> RegistrationResult:
    ensure_may_register_for(project=project, consultant=data.consultant, acting_user=acting_user)
    phone, phone_defect = phone_or_defect(data.phone)
    warnings: list[str] = []
    with transaction.atomic():
        customer = _customer_for(project, phone, data)
        relative = _customer_by_phone(project, data.relation_phone, warnings, "relative")
        referrer = _customer_by_phone(project, data.referrer_phone, warnings, "referrer")
        lock_consultant(project, data.consultant)
        lock_households(customer and customer.household, relative and relative.household)
        reception = reception_for_registration(
            project=project, reception_id=data.reception, consultant=data.consultant, phone=phone
        )
        now = timezone.now()
        policy = policy_in_force(project, now)
        defects = registration_defects(
            name=data.name,
            gender=data.gender,
            phone_defect=phone_defect,
            occurred_at=data.occurred_at,
            now=now,
        )
        attributed_at = attribution_time(data.occurred_at, now, policy.max_entry_delay_hours)
        registration = Registration.objects.create(
            project=project,
            kind=data.kind,
            occurred_at=data.occurred_at,
            attributed_at=attributed_at,
            entered_at=now,
            entered_by=acting_user,
            consultant=data.consultant,
            customer=customer,
            name=data.name.strip(),
            gender=data.gender,
            phone_input=data.phone or "",
            phone=phone,
            valid=not defects,
            invalid_reasons=defects,
            first_visit=data.first_visit,
            mentioned_consultant=data.mentioned_consultant,
            referrer=referrer,
            referrer_present=data.referrer_present,
            declines_referrer_consultant=data.declines_referrer_consultant,
            relation_kind=data.relation_kind if relative else "",
            related_customer=relative,
            proxy=data.proxy,
            returning_unknown=data.returning_unknown,
            source=data.source,
            note=data.note,
            intent=data.intent or {},
            reception=reception,
            # Facts that depend on other households are decided now and kept (A6, A9).
            referrer_owner=referrer_owner_at(referrer, attributed_at) if not defects else None,
            quota_reached=bool(customer and not defects)
            and quota_reached(project=project, consultant=data.consultant, policy=policy, now=now),
        )
        verdict = None
        if customer and relative and customer.pk != relative.pk:
            household_link(
                customer=customer,
                relative=relative,
                kind=data.relation_kind,
                at=registration.attributed_at,
                now=now,
                acting_user=acting_user,
                registration=registration,
            )
        elif customer:
            verdicts = household_states_refresh(
                project=project, household_ids=[customer.household_id], now=now
            )
            verdict = verdicts[customer.household_id]
            if _open_same_day_collision(registration, verdict, acting_user):
                verdict = None  # the dispute it opened changes the status: ask again
        _record_late_entry(registration, acting_user, now)
    return RegistrationResult(registration, warnings, verdict)


def _record_late_entry(registration: Registration, acting_user, now: datetime) -> None:
    """录入不及时: entered beyond ``max_entry_delay_hours`` (it then counts from its entry) is a
    violation of whoever entered it."""
    if registration.attributed_at == registration.occurred_at:
        return
    violation_record(
        project=registration.project,
        staff=acting_user,
        kind=ViolationKind.LATE_ENTRY,
        occurred_at=now,
        source=f"registration:{registration.pk}",
        acting_user=acting_user,
        now=now,
    )


def _open_same_day_collision(registration: Registration, verdict, acting_user) -> bool:
    """A1 with ``same_day_collision = manager``: two consultants the same day → the manager."""
    collided = any(
        item.rule == "A1" and item.params.get("collision") and item.event.id == registration.pk
        for item in verdict.basis
    )
    if not collided:
        return False
    dispute_open(
        household=registration.customer.household,
        claimant=registration.consultant,
        reason=_("Registered the same day by two consultants."),
        acting_user=acting_user,
        kind=DisputeKind.SAME_DAY,
        registration=registration,
    )
    return True


def _customer_for(project: Project, phone: str, data: RegistrationInput) -> Customer | None:
    """An usable phone finds its customer; a new customer needs a name to be created."""
    if not phone:
        return None
    if not data.name.strip():
        return Customer.objects.filter(project=project, phone=phone).first()
    return customer_get_or_create(project=project, phone=phone, name=data.name, gender=data.gender)


def _customer_by_phone(project: Project, raw: str, warnings: list[str], role: str):
    if not raw:
        return None
    phone, _defect = phone_or_defect(raw)
    found = Customer.objects.filter(project=project, phone=phone).first() if phone else None
    if found is None:
        warnings.append(f"{role}_not_found")
    return found


def household_link(
    *,
    customer: Customer,
    relative: Customer,
    kind: str,
    at: datetime,
    now: datetime,
    acting_user,
    registration=None,
    note: str = "",
) -> HouseholdLink:
    """Join ``customer``'s household to ``relative``'s (A3): the older household absorbs, and
    a consultant whose claim the merge supersedes is told. Callers hold both households' locks."""
    project = customer.project
    households = {customer.household_id, relative.household_id}
    before = verdicts_for(project, households, now)
    link = HouseholdLink.objects.create(
        project=project,
        customer=customer,
        relative=relative,
        kind=kind,
        attributed_at=at,
        entered_at=now,
        entered_by=acting_user,
        registration=registration,
        note=note,
    )
    keep = min(households)
    if len(households) > 1:
        absorbed = Household.objects.get(pk=max(households))
        for member in Customer.objects.filter(household=absorbed):
            member.household_id = keep
            member.save(update_fields=["household"])
        absorbed.merged_into_id = keep
        absorbed.save(update_fields=["merged_into"])
        customer.household_id = relative.household_id = keep
    after = household_states_refresh(project=project, household_ids=households, now=now)[keep]
    _tell_superseded(project, before.values(), after, customer)
    return link


def _tell_superseded(project: Project, before, after, customer: Customer) -> None:
    superseded = {v.owner for v in before if v.is_live_claim} - {after.owner, None}
    if not superseded:
        return
    users = get_user_model().objects.filter(username__in=superseded)
    owner = names_for([after.owner]).get(after.owner, _("nobody"))
    notify(
        recipients=users,
        kind="claim_superseded",
        project=project,
        params={"customer": customer.name, "owner": owner},
        url=f"/customers/{customer.pk}/",
    )


def household_link_create(
    *, customer: Customer, relative: Customer, kind: str, note: str = "", acting_user
) -> HouseholdLink:
    """A clerk or manager links two customers found to be one family or one company (A3)."""
    if not has_role(acting_user, Role.CLERK, Role.MANAGER):
        raise NotPermitted()
    if customer.project_id != relative.project_id or customer.pk == relative.pk:
        raise DomainError(_("Link two different customers of one project."), code="invalid_link")
    if kind not in Relation.values:
        raise DomainError(_("Unknown relation."), code="invalid", fields={"kind": [kind]})
    with transaction.atomic():
        lock_households(customer.household, relative.household)
        customer.refresh_from_db()
        relative.refresh_from_db()
        now = timezone.now()
        return household_link(
            customer=customer,
            relative=relative,
            kind=kind,
            at=now,
            now=now,
            acting_user=acting_user,
            note=note,
        )


def follow_up_create(
    *, customer: Customer, consultant, occurred_at: datetime, channel: str, note: str, acting_user
) -> FollowUp:
    ensure_may_register_for(
        project=customer.project, consultant=consultant, acting_user=acting_user
    )
    with transaction.atomic():
        lock_households(customer.household)
        now = timezone.now()
        if occurred_at > now:
            raise DomainError(
                _("A follow-up cannot be in the future."),
                code="occurred_in_future",
                fields={"occurred_at": [_("In the future.")]},
            )
        policy = policy_in_force(customer.project, now)
        follow_up = FollowUp.objects.create(
            project=customer.project,
            customer=customer,
            consultant=consultant,
            occurred_at=occurred_at,
            attributed_at=attribution_time(occurred_at, now, policy.max_entry_delay_hours),
            channel=channel,
            note=note,
            entered_at=now,
            entered_by=acting_user,
        )
        household_states_refresh(
            project=customer.project, household_ids=[customer.household_id], now=now
        )
    return follow_up


CORRECTABLE_FIELDS = ("name", "gender")


def correction_create(
    *, registration: Registration, reason: str, void: bool, changes: dict[str, str], acting_user
) -> Correction:
    """Clerks and managers fix a registration by a correction event, never by an edit."""
    if not has_role(acting_user, Role.CLERK, Role.MANAGER):
        raise NotPermitted()
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown or not reason.strip() or not (void or changes):
        raise DomainError(
            _("A correction names what changes (name, gender, or void) and why."),
            code="invalid_correction",
        )
    customer = registration.customer
    with transaction.atomic():
        if customer:
            lock_households(customer.household)
        now = timezone.now()
        correction = Correction.objects.create(
            registration=registration,
            reason=reason.strip(),
            void=void,
            changes=changes,
            entered_at=now,
            entered_by=acting_user,
        )
        if customer:
            household_states_refresh(
                project=registration.project, household_ids=[customer.household_id], now=now
            )
    return correction

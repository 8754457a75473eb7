"""Reads of the disputes app: who sees which disputes, what a manager weighs when ruling, and
the violations of a month. Each read costs a constant number of queries."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.explain import verdict_json
from attribution.selectors import household_verdict
from customers.models import FollowUp, Registration
from disputes.flow import may_decide
from disputes.models import (
    OPEN_STATES,
    Dispute,
    DisputeKind,
    DisputeState,
    DisputeStep,
    Violation,
)
from disputes.rulings import TERMS, RulingTemplate, applicable_templates
from disputes.timeline import step_rows
from projects.access import has_role, is_member
from projects.models import Project
from projects.navigation import LIST_SIZE, Waiting
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound, NotPermitted
from salesoffice.periods import ensure_in_years
from salesoffice.periods import month_bounds as local_month_bounds

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parties_q(user) -> Q:
    """``Dispute.parties`` as a condition."""
    opened = Q(opened_by=user, kind=DisputeKind.MANUAL)
    return Q(claimant=user) | Q(owner_at_opening=user) | opened


def disputes_visible_to(user, project: Project) -> QuerySet[Dispute]:
    """Managers see their projects' disputes; a consultant the ones they are party to."""
    if not (user.is_superuser or is_member(user, project)):
        raise NotFound(_("No such project."), code="unknown_project")
    disputes = Dispute.objects.filter(project=project)
    if user.is_superuser or has_role(user, Role.MANAGER):
        return disputes
    if has_role(user, Role.CONSULTANT):
        return disputes.filter(_parties_q(user))
    raise NotPermitted()


def with_people(disputes: QuerySet[Dispute]) -> QuerySet[Dispute]:
    return disputes.select_related(
        "project", "customer", "claimant", "owner_at_opening", "opened_by"
    )


def dispute_for(user, pk: int) -> Dispute:
    """One dispute with its evidence and steps, or 404 for whoever may not see it."""
    dispute = (
        with_people(Dispute.objects.all())
        .prefetch_related(
            "evidence__uploaded_by",
            Prefetch("steps", queryset=DisputeStep.objects.select_related("entered_by", "owner")),
        )
        .filter(pk=pk)
        .first()
    )
    if dispute is None or not may_see(user, dispute):
        raise NotFound(_("No such dispute."))
    return dispute


def may_see(user, dispute: Dispute) -> bool:
    if user.is_superuser:
        return True
    if not is_member(user, dispute.project):
        return False
    return has_role(user, Role.MANAGER) or user.pk in dispute.parties


# -- the two consultants' contacts with the household, side by side ----------------------------


@dataclass(frozen=True)
class Contact:
    kind: str  # "registration" or "follow_up"
    at: datetime
    item: Registration | FollowUp


def household_contacts(household_id: int, consultant_ids) -> dict[int, list[Contact]]:
    """Registrations and follow-ups of the household's members by each consultant, oldest
    first (two queries, whatever the household's size)."""
    ids = [c for c in consultant_ids if c is not None]
    found: dict[int, list[Contact]] = {c: [] for c in ids}
    registrations = Registration.objects.filter(
        customer__household_id=household_id, consultant_id__in=ids
    ).select_related("customer", "entered_by")
    follow_ups = FollowUp.objects.filter(
        customer__household_id=household_id, consultant_id__in=ids
    ).select_related("customer", "entered_by")
    for r in registrations:
        found[r.consultant_id].append(Contact("registration", r.occurred_at, r))
    for f in follow_ups:
        found[f.consultant_id].append(Contact("follow_up", f.occurred_at, f))
    for contacts in found.values():
        contacts.sort(key=lambda c: (c.at, c.item.entered_at, c.item.pk))
    return found


# -- violations --------------------------------------------------------------------------------


def month_bounds(month: str | None, tz: ZoneInfo, now: datetime | None = None):
    """``2026-03`` as the first instant of that local month and of the next (default: now's)."""
    if not month:
        today = (now or timezone.now()).astimezone(tz).date()
        year, number = today.year, today.month
    else:
        match = MONTH.match(month.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise DomainError(
                _("A month is written like 2026-03."),
                code="invalid_month",
                fields={"month": [month]},
            )
        year, number = int(match.group(1)), int(match.group(2))
    first = ensure_in_years(date(year, number, 1), "month")
    return (
        *local_month_bounds(first, tz),
        f"{year:04d}-{number:02d}",
    )


@dataclass(frozen=True)
class StaffTotal:
    staff: object
    count: int
    amount: Decimal


@dataclass(frozen=True)
class MonthViolations:
    month: str
    entries: list[Violation]
    totals: list[StaffTotal]
    total: Decimal


def violations_of_month(
    *, project: Project, month: str | None, staff=None, now: datetime | None = None
) -> MonthViolations:
    """The month's violations (local calendar month), oldest first, with totals per person;
    those an appeal took back are left out."""
    start, end, label = month_bounds(month, project.tzinfo, now)
    rows = Violation.objects.filter(
        project=project, occurred_at__gte=start, occurred_at__lt=end, withdrawal__isnull=True
    ).select_related("staff")
    if staff is not None:
        rows = rows.filter(staff=staff)
    entries = list(rows.order_by("occurred_at", "id"))
    by_staff: dict[int, list[Violation]] = defaultdict(list)
    for v in entries:
        by_staff[v.staff_id].append(v)
    totals = sorted(
        (
            StaffTotal(items[0].staff, len(items), sum((v.amount for v in items), Decimal(0)))
            for items in by_staff.values()
        ),
        key=lambda t: (-t.amount, t.staff.username),
    )
    return MonthViolations(label, entries, totals, sum((t.amount for t in totals), Decimal(0)))


def violations_viewer_scope(user, project: Project):
    """Managers see everyone's violations; a consultant their own (None means everyone)."""
    if not (user.is_superuser or is_member(user, project)):
        raise NotFound(_("No such project."), code="unknown_project")
    if user.is_superuser or has_role(user, Role.MANAGER):
        return None
    if has_role(user, Role.CONSULTANT):
        return user
    raise NotPermitted()


# -- the manager's ruling screen -----------------------------------------------------------------


@dataclass(frozen=True)
class TemplateButton:
    value: str
    term: str
    label: str
    enabled: bool


@dataclass(frozen=True)
class Column:
    role: str  # "claimant" or "owner"
    person: object | None
    contacts: list[Contact]


@dataclass(frozen=True)
class RulingScreen:
    dispute: Dispute
    columns: list[Column]
    current: dict  # the household's verdict now, as the API's ATTRIBUTION
    may_decide: bool
    mode: str  # "ruling", "final" or "" when nothing is left to decide
    may_review: bool
    buttons: list[TemplateButton]
    steps: list  # disputes.timeline.StepRow


def screen_mode(dispute: Dispute) -> str:
    if dispute.state in (DisputeState.OPEN, DisputeState.REVIEWED):
        return "ruling"
    return "final" if dispute.state == DisputeState.APPEALED else ""


def ruling_screen(dispute: Dispute, viewer) -> RulingScreen:
    """What the manager weighs: both consultants' contacts with the household side by side,
    the verdict at opening (kept on the dispute) and now, and the templates that apply."""
    household = dispute.customer.household
    claimant, owner = dispute.claimant, dispute.owner_at_opening
    contacts = household_contacts(household.pk, [claimant.pk, owner.pk if owner else None])
    decides = may_decide(dispute, viewer)
    mode = screen_mode(dispute)
    open_to_me = decides and bool(mode)
    applicable = applicable_templates(
        claimant=claimant.username, owner=owner.username if owner else None
    )
    return RulingScreen(
        dispute=dispute,
        columns=[
            Column("claimant", claimant, contacts[claimant.pk]),
            Column("owner", owner, contacts[owner.pk] if owner else []),
        ],
        current=verdict_json(household_verdict(household), dispute.project.tzinfo),
        may_decide=decides,
        mode=mode,
        may_review=decides and dispute.state == DisputeState.OPEN,
        buttons=[
            TemplateButton(t.value, TERMS[t], str(t.label), open_to_me and applicable[t])
            for t in RulingTemplate
        ],
        steps=step_rows(dispute.steps.all()),
    )


def disputes_waiting(project: Project, now: datetime) -> Waiting:
    """Disputes a manager has still to rule on (open, reviewed or appealed), oldest first: the
    dashboard's tile."""
    rows = list(
        Dispute.objects.filter(project=project, state__in=OPEN_STATES)
        .select_related("customer", "claimant", "owner_at_opening")
        .order_by("opened_at", "id")
    )
    return Waiting(rows[:LIST_SIZE], len(rows))


def violations_this_month(project: Project, now: datetime) -> MonthViolations:
    """The dashboard's tile: the violations of the local month of ``now``."""
    return violations_of_month(project=project, month=None, now=now)

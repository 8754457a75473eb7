"""Writes of the disputes app: opening a dispute (by hand, or by itself on a collision) and
recording violations. Reviews, rulings and appeals build on these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.explain import verdict_json
from attribution.selectors import household_verdict, policy_in_force
from attribution.services import anchor_customer, household_states_refresh
from attribution.windows import window_end
from customers.models import Household
from disputes.models import Dispute, DisputeEvidence, DisputeKind, DisputeState, Violation
from projects.access import has_role, is_member
from projects.models import Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

OPEN_STATES = (DisputeState.OPEN, DisputeState.REVIEWED, DisputeState.APPEALED)


def first_subscription_at(household: Household) -> datetime | None:
    from orders.models import Subscription

    return (
        Subscription.objects.filter(customer__household=household)
        .order_by("attributed_at")
        .values_list("attributed_at", flat=True)
        .first()
    )


def ensure_not_too_late(household: Household, now: datetime) -> None:
    """A8: a dispute opened more than ``post_deal_dispute_days`` after the household's first
    subscription is refused; the closer keeps it."""
    first = first_subscription_at(household)
    if first is None:
        return
    project = household.project
    days = policy_in_force(project, now).post_deal_dispute_days
    if now > window_end(first, days, project.tzinfo):
        raise Conflict(
            _(
                "Too late: disputes must be opened within %(days)s days of the first "
                "subscription; the closer keeps the customer (A8)."
            )
            % {"days": days},
            code="dispute_too_late",
        )


def ensure_may_open(user, claimant, project: Project, kind: str) -> None:
    """Any consultant for themself; a manager on a consultant's behalf."""
    if kind != DisputeKind.MANUAL:
        return
    if not (user.is_superuser or is_member(user, project)):
        raise NotPermitted()
    if claimant.pk != user.pk and not has_role(user, Role.MANAGER):
        raise NotPermitted(_("A consultant opens disputes only for themself."))
    if not has_role(user, Role.CONSULTANT, Role.MANAGER):
        raise NotPermitted()


def dispute_open(
    *,
    household: Household,
    claimant,
    reason: str,
    acting_user,
    evidence_files: Iterable = (),
    evidence_note: str = "",
    kind: str = DisputeKind.MANUAL,
    subscription=None,
    registration=None,
) -> Dispute:
    """Open a dispute carrying the engine's verdict and basis at opening. The household's
    status is ``disputed`` from now until the ruling."""
    project = household.project
    ensure_may_open(acting_user, claimant, project, kind)
    if not reason.strip():
        raise DomainError(
            _("Say why you dispute it."),
            code="reason_required",
            fields={"reason": [_("Required.")]},
        )
    with transaction.atomic():
        list(Household.objects.select_for_update().filter(pk=household.pk))
        now = timezone.now()
        if kind == DisputeKind.MANUAL:
            ensure_not_too_late(household, now)
        verdict = household_verdict(household, now)
        owner = _user(verdict.owner)
        dispute = Dispute.objects.create(
            project=project,
            household=household,
            customer=anchor_customer(household),
            kind=kind,
            claimant=claimant,
            owner_at_opening=owner,
            opened_by=acting_user,
            opened_at=now,
            reason=reason.strip(),
            attribution_at_opening=verdict_json(verdict, project.tzinfo),
            subscription=subscription,
            registration=registration,
        )
        DisputeEvidence.objects.bulk_create(
            [
                DisputeEvidence(dispute=dispute, file=f, uploaded_by=acting_user, uploaded_at=now)
                for f in evidence_files
            ]
            + (
                [
                    DisputeEvidence(
                        dispute=dispute,
                        note=evidence_note.strip(),
                        uploaded_by=acting_user,
                        uploaded_at=now,
                    )
                ]
                if evidence_note.strip()
                else []
            )
        )
        household_states_refresh(project=project, household_ids=[household.pk], now=now)
        notify(
            recipients=[claimant, owner, *managers_of(project)],
            kind="dispute_opened",
            params={"customer": dispute.customer.name, "reason": dispute.reason},
            project=project,
            url=f"/disputes/{dispute.pk}/",
        )
    return dispute


def _user(username: str | None):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).first() if username else None


def violation_record(
    *,
    project: Project,
    staff,
    kind: str,
    occurred_at: datetime,
    source: str,
    note: str = "",
    acting_user=None,
) -> None:
    """A violation with the policy's amount; recording the same one twice records it once."""
    amount = policy_in_force(project, occurred_at).penalty(kind)
    Violation.objects.bulk_create(
        [
            Violation(
                project=project,
                staff=staff,
                kind=kind,
                amount=amount,
                occurred_at=occurred_at,
                source=source,
                note=note,
                entered_at=timezone.now(),
                entered_by=acting_user,
            )
        ],
        ignore_conflicts=True,
    )

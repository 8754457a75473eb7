"""Opening a dispute (DOMAIN.md §6, A8): by a consultant for themself, by a manager on a
consultant's behalf, or by itself on a collision. The dispute carries the engine's verdict and
basis at opening, and the household is ``disputed`` from then until the ruling.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.explain import verdict_json
from attribution.selectors import household_ledger, household_verdict, policy_in_force
from attribution.services import anchor_customer, household_states_refresh
from attribution.windows import window_end
from customers.models import Household
from disputes.models import Dispute, DisputeEvidence, DisputeKind
from projects.access import has_role, is_member
from projects.models import Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

User = get_user_model()
MAX_EVIDENCE_FILES = 10
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def first_subscription_at(household: Household) -> datetime | None:
    """When the household first subscribed (cancelled or not), read from its ledger."""
    deals = household_ledger(household).deals
    return min((d.attributed_at for d in deals), default=None)


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


def ensure_evidence_acceptable(files: Sequence) -> None:
    """Photos of sheets and chat screenshots, not archives: a few files of modest size."""
    if len(files) > MAX_EVIDENCE_FILES or any(
        (getattr(f, "size", 0) or 0) > MAX_EVIDENCE_BYTES for f in files
    ):
        raise DomainError(
            _("Attach at most %(count)s files of up to 10 MB each.")
            % {"count": MAX_EVIDENCE_FILES},
            code="evidence_invalid",
            fields={"evidence_files": [_("Too many or too large files.")]},
        )


def required_reason(text: str, message: str | None = None) -> str:
    if not (text or "").strip():
        raise DomainError(
            message or _("Give the reason."),
            code="reason_required",
            fields={"reason": [_("Required.")]},
        )
    return text.strip()


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
    reason = required_reason(reason, _("Say why you dispute it."))
    files = list(evidence_files)
    ensure_evidence_acceptable(files)
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
            reason=reason,
            attribution_at_opening=verdict_json(verdict, project.tzinfo),
            subscription=subscription,
            registration=registration,
        )
        _evidence_add(dispute, files, evidence_note, acting_user, now)
        household_states_refresh(project=project, household_ids=[household.pk], now=now)
        notify(
            recipients=[claimant, owner, *managers_of(project)],
            kind="dispute_opened",
            params={"customer": dispute.customer.name, "reason": dispute.reason},
            project=project,
            url=dispute_url(dispute),
        )
    return dispute


def _evidence_add(dispute: Dispute, files, note: str, acting_user, now: datetime) -> None:
    rows = [
        DisputeEvidence(dispute=dispute, file=f, uploaded_by=acting_user, uploaded_at=now)
        for f in files
    ]
    if note.strip():
        rows.append(
            DisputeEvidence(
                dispute=dispute, note=note.strip(), uploaded_by=acting_user, uploaded_at=now
            )
        )
    DisputeEvidence.objects.bulk_create(rows)  # the insert stores each file as well


def dispute_url(dispute: Dispute) -> str:
    return f"/disputes/{dispute.pk}/"


def _user(username: str | None):
    return User.objects.filter(username=username).first() if username else None

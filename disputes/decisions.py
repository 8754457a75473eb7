"""The managers' decisions on a dispute (DOMAIN.md §6, §7, M): the ruling, and the final ruling
on an appeal, by a manager who is not a party. A decision is written as ledger events: its
step, an ``Assignment`` with rule ``M`` from the decision's time (so the verdict's basis shows
it), the deal's commission shares and the violations it records.

The ruling templates a decision may start from are pure data in ``disputes.rulings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import DealFact
from attribution.models import Assignment, AssignmentRule
from attribution.selectors import household_ledger, policy_in_force
from attribution.services import anchor_customer, household_states_refresh
from commission.rules import Share
from commission.services import commission_set, validate_shares
from customers.models import Household
from disputes.flow import (
    ensure_may_decide,
    ensure_move_allowed,
    locked_dispute,
    state_set,
    step_append,
    tell_parties,
)
from disputes.models import (
    Dispute,
    DisputeState,
    DisputeStep,
    StepKind,
    Violation,
    ViolationKind,
    ViolationWithdrawal,
)
from disputes.opening import required_reason
from disputes.rulings import HUNDRED, Ruling, TemplateNotApplicable, ruling_from_template
from disputes.violations import ViolationDraft, violations_record
from projects.access import display_name
from salesoffice.errors import DomainError, NotPermitted

User = get_user_model()
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class RulingInput:
    """What a manager decides: the owner from now, the deal's shares, the violations, why."""

    owner: object | None  # a user; None sends the household to the pool
    reason: str
    shares: list[Share] = field(default_factory=list)
    violations: list[tuple[object, str]] = field(default_factory=list)  # (user, kind)
    template: str = ""


def ruling_input_from_template(*, dispute: Dispute, template: str, reason: str) -> RulingInput:
    """A template applied to this dispute's parties, with the project's splits."""
    policy = policy_in_force(dispute.project)
    try:
        ruling = ruling_from_template(
            template,
            claimant=dispute.claimant.username,
            owner=dispute.owner_at_opening.username if dispute.owner_at_opening else None,
            splits=policy.splits,
        )
    except ValueError as exc:  # an unknown template, or one these parties do not allow
        code = getattr(exc, "code", "unknown_template")
        raise DomainError(
            _("This ruling template does not apply to this dispute's parties.")
            if isinstance(exc, TemplateNotApplicable)
            else _("Unknown ruling template."),
            code=code,
            fields={"template": [str(template)]},
        ) from exc
    return _input_of(ruling, reason)


def _input_of(ruling: Ruling, reason: str) -> RulingInput:
    named = {ruling.owner} | {who for who, _ in ruling.shares} | {w for w, _ in ruling.violations}
    people = User.objects.in_bulk(named - {None}, field_name="username")
    return RulingInput(
        owner=people.get(ruling.owner),
        reason=reason,
        shares=[Share(percent, consultant=people[who]) for who, percent in ruling.shares],
        violations=[(people[who], kind) for who, kind in ruling.violations],
        template=ruling.template,
    )


def _checked(ruling: RulingInput) -> RulingInput:
    """Shares sum to 100 (the owner's 100 % when none are given); violations are known kinds."""
    reason = required_reason(ruling.reason)
    shares = ruling.shares
    if ruling.owner is not None and not shares:
        shares = [Share(HUNDRED, consultant=ruling.owner)]
    shares = [Share(Decimal(s.percent).quantize(CENTS), s.consultant) for s in shares]
    if shares:
        validate_shares(shares)
    unknown = [kind for _, kind in ruling.violations if kind not in ViolationKind.values]
    if unknown:
        raise DomainError(
            _("Unknown violation kind: %(kind)s.") % {"kind": unknown[0]},
            code="unknown_violation_kind",
            fields={"violations": unknown},
        )
    return RulingInput(ruling.owner, reason, list(shares), ruling.violations, ruling.template)


def dispute_rule(*, dispute: Dispute, ruling: RulingInput, acting_user) -> DisputeStep:
    """The manager's ruling on an open or reviewed dispute, by a manager not a party."""
    ensure_may_decide(dispute, acting_user)
    with transaction.atomic():
        dispute = locked_dispute(dispute)
        ensure_move_allowed(dispute, "ruling")
        ruling = _checked(ruling)
        now = timezone.now()
        step = _apply(dispute, StepKind.RULING, ruling, acting_user, now)
        state_set(dispute, DisputeState.RULED, now)
        tell_parties(dispute, "dispute_ruled", {"owner": display_name(ruling.owner) or _("nobody")})
    return step


def dispute_final_rule(
    *, dispute: Dispute, ruling: RulingInput | None, acting_user, reason: str = ""
) -> DisputeStep:
    """The final ruling on an appeal, by a manager who is neither a party nor the first ruler.
    ``ruling=None`` upholds the first ruling. Upheld: the appellant's appeal was rejected
    (a violation on them); changed: the first ruling was overturned (one on its manager)."""
    ensure_may_decide(dispute, acting_user)
    with transaction.atomic():
        dispute = locked_dispute(dispute)
        ensure_move_allowed(dispute, "final_ruling")
        first = _first_ruling(dispute)
        if first.entered_by_id == acting_user.pk:
            raise NotPermitted(_("The manager who ruled first does not decide the appeal."))
        ruling = _checked(ruling or _input_of(_ruling_of(first), reason))
        now = timezone.now()
        step = _apply(dispute, StepKind.FINAL_RULING, ruling, acting_user, now)
        state_set(dispute, DisputeState.FINAL, now)
        _withdraw_violations_not_repeated(dispute, first, step, acting_user, now)
        _record_outcome_of_appeal(dispute, first, step, acting_user, now)
        tell_parties(dispute, "dispute_ruled", {"owner": display_name(ruling.owner) or _("nobody")})
    return step


def _first_ruling(dispute: Dispute) -> DisputeStep:
    """There is one whenever a final ruling is allowed: an appeal follows a ruling."""
    return dispute.steps.filter(kind=StepKind.RULING).select_related("owner").first()


def _ruling_of(step: DisputeStep) -> Ruling:
    """A step as the pure ruling it recorded (to uphold it, or to compare with another)."""
    return Ruling(
        owner=step.owner.username if step.owner else None,
        shares=_normal((s["consultant"], s["percent"]) for s in step.shares),
        violations=tuple((v["staff"], v["kind"]) for v in step.violations),
        template=step.template,
    )


def _same_decision(a: DisputeStep, b: DisputeStep) -> bool:
    left, right = _ruling_of(a), _ruling_of(b)
    return (left.owner, left.shares) == (right.owner, right.shares)


def _normal(shares) -> tuple[tuple[str, Decimal], ...]:
    return tuple(sorted((who, Decimal(p).quantize(CENTS)) for who, p in shares))


def _record_outcome_of_appeal(
    dispute: Dispute, first: DisputeStep, final: DisputeStep, acting_user, now: datetime
) -> None:
    if _same_decision(first, final):
        appeal = dispute.steps.filter(kind=StepKind.APPEAL).order_by("-entered_at", "-id").first()
        staff, kind = appeal.entered_by, ViolationKind.REJECTED_APPEAL  # 投诉驳回
    else:
        staff, kind = first.entered_by, ViolationKind.OVERTURNED_RULING  # 投诉改判
    violations_record(
        [ViolationDraft(dispute.project, staff.pk, kind, now, _source(dispute))],
        now=now,
        acting_user=acting_user,
    )


def _withdraw_violations_not_repeated(
    dispute: Dispute, first: DisputeStep, final: DisputeStep, acting_user, now: datetime
) -> None:
    """What the first ruling fined and the final one does not repeat is taken back."""
    repeated = {(v["staff"], v["kind"]) for v in final.violations}
    dropped = [v for v in first.violations if (v["staff"], v["kind"]) not in repeated]
    if not dropped:
        return
    which = Q()
    for v in dropped:
        which |= Q(staff__username=v["staff"], kind=v["kind"])
    reason = _("Not repeated by the final ruling of dispute %(number)s.") % {"number": dispute.pk}
    ViolationWithdrawal.objects.bulk_create(
        ViolationWithdrawal(violation=v, reason=reason, entered_at=now, entered_by=acting_user)
        for v in Violation.objects.filter(
            which, project=dispute.project, source=_source(dispute), withdrawal__isnull=True
        )
    )


def _source(dispute: Dispute) -> str:
    return f"dispute:{dispute.pk}"


def _apply(
    dispute: Dispute, kind: str, ruling: RulingInput, acting_user, now: datetime
) -> DisputeStep:
    """The ruling as ledger events: the step, the engine's M assignment, the deal's shares
    and the violations; then the household's status is refreshed."""
    household = dispute.customer.household
    step = step_append(
        dispute,
        kind,
        ruling.reason,
        acting_user,
        now,
        owner=ruling.owner,
        template=ruling.template,
        shares=[
            {"consultant": s.consultant.username, "percent": str(s.percent)} for s in ruling.shares
        ],
        violations=[{"staff": u.username, "kind": k} for u, k in ruling.violations],
    )
    Assignment.objects.create(
        project=dispute.project,
        household=household,
        customer=anchor_customer(household),
        rule=AssignmentRule.RULING,
        consultant=ruling.owner,
        effective_at=now,
        entered_at=now,
        entered_by=acting_user,
        reason=ruling.reason,
    )
    _commission(household, ruling, step, acting_user)
    violations_record(
        [
            ViolationDraft(dispute.project, user.pk, k, now, _source(dispute), ruling.reason)
            for user, k in ruling.violations
        ],
        now=now,
        acting_user=acting_user,
    )
    household_states_refresh(project=dispute.project, household_ids=[household.pk], now=now)
    return step


def _commission(household: Household, ruling: RulingInput, step: DisputeStep, acting_user) -> None:
    """A deal's shares follow the ruling; without a live deal the step keeps them for the record."""
    deal = live_deal_of(household)
    if deal is None:
        return
    if not ruling.shares:
        raise DomainError(
            _("The customer has a deal: the ruling names an owner and the shares."),
            code="owner_required",
            fields={"owner": [_("Required.")]},
        )
    commission_set(
        subscription_id=deal.id,
        shares=ruling.shares,
        source="ruling",
        step=step,
        acting_user=acting_user,
        note=ruling.reason,
    )


def live_deal_of(household: Household) -> DealFact | None:
    """The household's live subscription (the first not cancelled), from its ledger."""
    live = [d for d in household_ledger(household).deals if d.cancelled_at is None]
    return min(live, key=lambda d: (d.attributed_at, d.entered_at, d.id), default=None)

"""Writes of the disputes app (DOMAIN.md §6, §7, A8, M): opening a dispute (by hand, or by itself
on a collision), the supervisor's review, the ruling, the appeal and the final ruling, and the
violations ledger.

Every step is appended (``DisputeStep``) and the dispute's ``state`` follows it:
open → (reviewed) → ruled → (appealed → final). A ruling is also a ledger event for the engine:
an ``Assignment`` with rule ``M`` from the ruling's time, so the verdict's basis shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attribution.engine import policy_at
from attribution.explain import verdict_json
from attribution.facts import DealFact
from attribution.models import Assignment, AssignmentRule
from attribution.selectors import (
    household_ledger,
    household_verdict,
    policy_facts,
    policy_in_force,
)
from attribution.services import anchor_customer, ensure_manager, household_states_refresh
from attribution.windows import window_end
from commission.rules import Share
from commission.services import commission_set, validate_shares
from customers.models import Household, TamperAttempt
from disputes.models import (
    OPEN_STATES,  # noqa: F401  (read from here by orders.selectors)
    Dispute,
    DisputeEvidence,
    DisputeKind,
    DisputeState,
    DisputeStep,
    StepKind,
    Violation,
    ViolationKind,
    ViolationWithdrawal,
)
from disputes.rulings import Ruling, TemplateNotApplicable, ruling_from_template
from projects.access import display_name, has_role, is_member
from projects.models import Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

User = get_user_model()
MAX_EVIDENCE_FILES = 10
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
HUNDRED = Decimal(100)
CENTS = Decimal("0.01")


# -- opening -----------------------------------------------------------------------------------


def first_subscription_at(household: Household) -> datetime | None:
    """When the household first subscribed (cancelled or not), read from its ledger."""
    deals = household_ledger(household).deals
    return min((d.attributed_at for d in deals), default=None)


def live_deal_of(household: Household) -> DealFact | None:
    """The household's live subscription (the first not cancelled), from its ledger."""
    live = [d for d in household_ledger(household).deals if d.cancelled_at is None]
    return min(live, key=lambda d: (d.attributed_at, d.entered_at, d.id), default=None)


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


def _reason(text: str, message: str | None = None) -> str:
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
    reason = _reason(reason, _("Say why you dispute it."))
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


# -- who may act -------------------------------------------------------------------------------


def ensure_not_party(dispute: Dispute, user) -> None:
    """Nobody reviews or rules on a dispute they are party to (§7)."""
    if user.pk in dispute.parties:
        raise NotPermitted(_("You are a party to this dispute: another manager decides it."))


def ensure_may_decide(dispute: Dispute, user) -> None:
    ensure_manager(user, dispute.project)
    ensure_not_party(dispute, user)


def may_decide(dispute: Dispute, user) -> bool:
    try:
        ensure_may_decide(dispute, user)
    except NotPermitted:
        return False
    return True


# -- the state machine ---------------------------------------------------------------------------


# Each step is allowed from some states only; a refusal's code says why not now.
ALLOWED_FROM = {
    "review": (DisputeState.OPEN,),
    "ruling": (DisputeState.OPEN, DisputeState.REVIEWED),
    "appeal": (DisputeState.RULED,),
    "final_ruling": (DisputeState.APPEALED,),
}
REFUSALS = {  # (move, state) → (code, sentence); (move, None) for any other state
    ("review", None): ("not_reviewable", gettext_lazy("Only an open dispute is reviewed.")),
    ("ruling", DisputeState.RULED): ("dispute_closed", gettext_lazy("It was ruled already.")),
    ("ruling", DisputeState.APPEALED): (
        "appeal_pending",
        gettext_lazy("The ruling was appealed: a final ruling decides now."),
    ),
    ("appeal", None): ("not_appealable", gettext_lazy("Only a ruling is appealed, once.")),
    ("final_ruling", None): (
        "not_appealed",
        gettext_lazy("A final ruling answers an appeal; this ruling was not appealed."),
    ),
}


def _refuse_move(dispute: Dispute, move: str) -> None:
    state = dispute.state
    if state in ALLOWED_FROM[move]:
        return
    if state == DisputeState.FINAL:
        raise Conflict(_("This dispute was finally ruled: it is closed."), code="dispute_closed")
    code, sentence = REFUSALS.get((move, state)) or REFUSALS[(move, None)]
    raise Conflict(str(sentence), code=code)


def _locked(dispute: Dispute) -> Dispute:
    """The household first (as when opening), then the dispute: one order, no deadlock."""
    household_id = dispute.customer.household_id
    list(Household.objects.select_for_update().filter(pk=household_id))
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("project", "customer__household__project")
        .get(pk=dispute.pk)
    )


def _step(
    dispute: Dispute, kind: str, note: str, acting_user, now: datetime, **extra
) -> DisputeStep:
    return DisputeStep.objects.create(
        dispute=dispute, kind=kind, note=note, entered_at=now, entered_by=acting_user, **extra
    )


def _move(dispute: Dispute, state: str, closed_at: datetime | None) -> None:
    dispute.state = state
    dispute.closed_at = closed_at
    dispute.save(update_fields=["state", "closed_at"])


# -- review and appeal ---------------------------------------------------------------------------


def dispute_review(*, dispute: Dispute, note: str, acting_user) -> DisputeStep:
    """The optional supervisor review (主管协调) before the ruling, by a manager not a party."""
    ensure_may_decide(dispute, acting_user)
    note = _reason(note)
    with transaction.atomic():
        dispute = _locked(dispute)
        _refuse_move(dispute, "review")
        now = timezone.now()
        step = _step(dispute, StepKind.REVIEW, note, acting_user, now)
        _move(dispute, DisputeState.REVIEWED, None)
    return step


def dispute_appeal(*, dispute: Dispute, reason: str, acting_user) -> DisputeStep:
    """A party appeals the ruling: the household is ``disputed`` again until the final one."""
    if acting_user.pk not in dispute.parties:
        raise NotPermitted(_("Only a party to the dispute may appeal its ruling."))
    reason = _reason(reason)
    with transaction.atomic():
        dispute = _locked(dispute)
        _refuse_move(dispute, "appeal")
        now = timezone.now()
        step = _step(dispute, StepKind.APPEAL, reason, acting_user, now)
        _move(dispute, DisputeState.APPEALED, None)
        household_states_refresh(
            project=dispute.project, household_ids=[dispute.customer.household_id], now=now
        )
        _tell(dispute, "dispute_appealed", {}, extra=managers_of(dispute.project))
    return step


# -- rulings -------------------------------------------------------------------------------------


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
    reason = _reason(ruling.reason)
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
        dispute = _locked(dispute)
        _refuse_move(dispute, "ruling")
        ruling = _checked(ruling)
        now = timezone.now()
        step = _apply(dispute, StepKind.RULING, ruling, acting_user, now)
        _move(dispute, DisputeState.RULED, now)
        _tell(dispute, "dispute_ruled", {"owner": display_name(ruling.owner) or _("nobody")})
    return step


def dispute_final_rule(
    *, dispute: Dispute, ruling: RulingInput | None, acting_user, reason: str = ""
) -> DisputeStep:
    """The final ruling on an appeal, by a manager who is neither a party nor the first ruler.
    ``ruling=None`` upholds the first ruling. Upheld: the appellant's appeal was rejected
    (a violation on them); changed: the first ruling was overturned (one on its manager)."""
    ensure_may_decide(dispute, acting_user)
    with transaction.atomic():
        dispute = _locked(dispute)
        _refuse_move(dispute, "final_ruling")
        first = _first_ruling(dispute)
        if first.entered_by_id == acting_user.pk:
            raise NotPermitted(_("The manager who ruled first does not decide the appeal."))
        ruling = _checked(ruling or _input_of(_ruling_of(first), reason))
        now = timezone.now()
        step = _apply(dispute, StepKind.FINAL_RULING, ruling, acting_user, now)
        _move(dispute, DisputeState.FINAL, now)
        _withdraw_violations_not_repeated(dispute, first, step, acting_user, now)
        _record_outcome_of_appeal(dispute, first, step, acting_user, now)
        _tell(dispute, "dispute_ruled", {"owner": display_name(ruling.owner) or _("nobody")})
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
    step = _step(
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


def _tell(dispute: Dispute, kind: str, params: dict, extra: Iterable = ()) -> None:
    parties = User.objects.filter(pk__in=dispute.parties)
    notify(
        recipients=[*parties, *extra],
        kind=kind,
        params={"customer": dispute.customer.name, **params},
        project=dispute.project,
        url=dispute_url(dispute),
    )


# -- violations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViolationDraft:
    """A violation a rule found: who, which kind, when, and what it was found on (the source)."""

    project: Project
    staff_id: int
    kind: str
    occurred_at: datetime
    source: str
    note: str = ""


def violations_record(
    drafts: Sequence[ViolationDraft], *, now: datetime | None = None, acting_user=None
) -> int:
    """Violations with the policy's amounts, in one insert; each project's policy versions are
    read once. The same (staff, kind, source) recorded twice is recorded once."""
    if not drafts:
        return 0
    now = now or timezone.now()
    versions = {d.project.pk: policy_facts(d.project) for d in drafts}
    rows = [
        Violation(
            project=d.project,
            staff_id=d.staff_id,
            kind=d.kind,
            # The fine in force when it happened, as the policy stood then.
            amount=policy_at(versions[d.project.pk], d.occurred_at, d.occurred_at).policy.penalty(
                d.kind
            ),
            occurred_at=d.occurred_at,
            source=d.source[:40],
            note=d.note,
            entered_at=now,
            entered_by=acting_user,
        )
        for d in drafts
    ]
    return len(Violation.objects.bulk_create(rows, ignore_conflicts=True))


def violation_record(
    *,
    project: Project,
    staff,
    kind: str,
    occurred_at: datetime,
    source: str,
    note: str = "",
    acting_user=None,
    now: datetime | None = None,
) -> None:
    """A violation with the policy's amount; recording the same one twice records it once."""
    violations_record(
        [ViolationDraft(project, staff.pk, kind, occurred_at, source, note)],
        now=now,
        acting_user=acting_user,
    )


def tampering_fine(attempt: TamperAttempt, now: datetime) -> None:
    """擅自改正客户确认记录: an attempt to rewrite the ledger is a violation of whoever tried."""
    if attempt.project_id and attempt.entered_by_id:
        violation_record(
            project=attempt.project,
            staff=attempt.entered_by,
            kind=ViolationKind.TAMPERING,
            occurred_at=now,
            source=f"tamper:{attempt.pk}",
            now=now,
        )


def unregistered_receptions_record(receptions: Sequence, now: datetime) -> int:
    """未登记: each flagged walk-in is a violation of the consultant who received it (once per
    reception, however often the job runs)."""
    return violations_record(
        [
            ViolationDraft(
                r.project,
                r.consultant_id,
                ViolationKind.UNREGISTERED,
                r.register_by,
                f"reception:{r.pk}",
            )
            for r in receptions
        ],
        now=now,
    )


# -- the managers' screen ------------------------------------------------------------------------

MANAGER_ADMIN_PERMISSIONS = ("view_dispute", "change_dispute", "view_violation")


def manager_admin_access_on_joining(*, user, role: str, project: Project) -> None:
    """Managers rule on disputes in the admin screen (UX §5)."""
    if role == Role.MANAGER:
        manager_admin_access_grant(user)


def manager_admin_access_grant(user) -> None:
    """Managers rule in the admin screen: they are staff, and the manager group may view and
    change disputes (its rows only through the ruling services) and view violations."""
    group = Group.objects.get_or_create(name=Role.MANAGER)[0]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="disputes", codename__in=MANAGER_ADMIN_PERMISSIONS
        )
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])

"""Writes of the attribution app: policy versions, the facts recorded at entry (A6, A9), the
materialised household status, and the acts that move a household (A4, A11, A12, A14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.models import (
    Assignment,
    AssignmentRule,
    HouseholdState,
    PendingClaim,
    PendingClaimDecision,
    PolicyVersion,
)
from attribution.policy import Policy, PolicyError, build_policy
from attribution.selectors import (
    forget_policy_facts,
    household_verdict,
    live_states,
    policy_in_force,
    verdicts_for,
)
from attribution.windows import day_bounds, local_day, window_end
from customers.models import Customer, Household
from projects.access import has_role, is_member
from projects.models import Membership, Project
from projects.notifications import managers_of, notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted
from salesoffice.sessions import sessions_end

User = get_user_model()
LIVE = ("active", "disputed")


# -- policy ------------------------------------------------------------------------------------


def policy_version_create(
    *,
    project: Project,
    preset: str | None = None,
    overrides: dict[str, Any] | None = None,
    effective_at: datetime | None = None,
    acting_user=None,
    note: str = "",
) -> PolicyVersion:
    """A new version: the one in force now, then the preset, then the overrides."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        now = timezone.now()
        latest = PolicyVersion.objects.filter(project=project).aggregate(n=Max("number"))["n"]
        base = policy_in_force(project, now) if latest and not preset else None
        try:
            policy = build_policy(base, preset=preset, overrides=overrides)
        except PolicyError as exc:
            raise DomainError(
                _("Some policy parameters are invalid."),
                code="invalid_policy",
                fields={k: [v] for k, v in exc.fields.items()},
            ) from exc
        version = PolicyVersion.objects.create(
            project=project,
            number=(latest or 0) + 1,
            effective_at=effective_at or now,
            preset=preset or "",
            params=policy.as_dict(),
            note=note,
            entered_at=now,
            entered_by=acting_user,
        )
        # Forget the cached versions now and again at commit, so no reader keeps the old ones.
        forget_policy_facts(project.pk)
        transaction.on_commit(lambda: forget_policy_facts(project.pk))
    return version


# -- the materialised status -------------------------------------------------------------------


def _last_contact_at(verdict: Verdict) -> datetime | None:
    contacts = [i.event.occurred_at for i in verdict.basis if i.rule == "A2" and i.event]
    return max(contacts) if contacts else None


def household_states_refresh(
    *, project: Project, household_ids, now: datetime | None = None, known=None
):
    """Store the engine's answer for these households (one upsert for all of them);
    ``known``: the whole ledgers of households the caller has just created, by household."""
    now = now or timezone.now()
    ids = set(household_ids)
    merged_away = set(
        Household.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("pk", flat=True)
    )
    HouseholdState.objects.filter(household_id__in=merged_away).delete()
    verdicts = verdicts_for(project, ids - merged_away, now, known)
    people = {v.owner for v in verdicts.values()} | {v.last_owner for v in verdicts.values()}
    user_ids = dict(User.objects.filter(username__in=people - {None}).values_list("username", "id"))
    rows = [
        HouseholdState(
            household_id=household,
            project=project,
            owner_id=user_ids.get(v.owner),
            status=v.status,
            since=v.since,
            expires_at=v.expires_at,
            last_owner_id=user_ids.get(v.last_owner),
            last_contact_at=_last_contact_at(v),
            computed_at=now,
        )
        for household, v in verdicts.items()
    ]
    HouseholdState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["household"],
        update_fields=[
            "owner",
            "status",
            "since",
            "expires_at",
            "last_owner",
            "last_contact_at",
            "computed_at",
        ],
    )
    return verdicts


# -- facts recorded when a registration is entered (they depend on other households) ------------


def live_claims_count(*, project: Project, consultant, now: datetime) -> int:
    return live_states(project=project, consultant=consultant, now=now).count()


def claim_quota(*, project: Project, consultant, policy: Policy) -> int | None:
    own = (
        Membership.objects.filter(project=project, user=consultant)
        .values_list("claim_quota", flat=True)
        .first()
    )
    return own if own is not None else policy.claim_quota


def quota_reached(*, project: Project, consultant, policy: Policy, now: datetime) -> bool:
    """A9: holding as many live claims as the quota allows. Callers hold the consultant's
    membership row lock, so two registrations cannot both take the last place."""
    quota = claim_quota(project=project, consultant=consultant, policy=policy)
    if quota is None:
        return False
    return live_claims_count(project=project, consultant=consultant, now=now) >= quota


def lock_consultant(project: Project, consultant) -> None:
    list(Membership.objects.select_for_update().filter(project=project, user=consultant))


def referrer_owner_at(referrer: Customer | None, at: datetime):
    """A6: the referrer's owner at the registration's attribution time, if any."""
    if referrer is None:
        return None
    owner = household_verdict(referrer.household, at).owner
    return User.objects.filter(username=owner).first() if owner else None


# -- acts on a household -----------------------------------------------------------------------


def anchor_customer(household: Household) -> Customer:
    members = Customer.objects.filter(household=household).order_by("id")
    return members.filter(origin_household=household).first() or members.first()


def _lock(*households: Household) -> None:
    ids = sorted({h.pk for h in households})
    list(Household.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def ensure_manager(user, project: Project) -> None:
    if not (user.is_superuser or (has_role(user, Role.MANAGER) and is_member(user, project))):
        raise NotPermitted()


def ensure_acts_for(user, consultant, project: Project) -> None:
    """Consultants act as themselves; clerks and managers for anyone in the project."""
    if not (user.is_superuser or is_member(user, project)):
        raise NotPermitted()
    if consultant.pk != user.pk and not has_role(user, Role.CLERK, Role.MANAGER):
        raise NotPermitted(_("A consultant may act only for themself."))


@dataclass(frozen=True)
class TakeRefusal:
    code: str
    message: str


def take_refusal(
    *, household: Household, consultant, verdict: Verdict, policy: Policy, now: datetime
) -> TakeRefusal | None:
    """A14: may this consultant take this household from the pool now?"""
    project = household.project
    if verdict.status != "pool":
        return TakeRefusal("not_in_pool", _("This customer is not in the public pool."))
    if quota_reached(project=project, consultant=consultant, policy=policy, now=now):
        return TakeRefusal("quota_reached", _("You already hold as many customers as allowed."))
    limit = policy.pool_daily_take_limit
    if limit is not None:
        start, end = day_bounds(local_day(now, project.tzinfo), project.tzinfo)
        taken = Assignment.objects.filter(
            consultant=consultant,
            entered_by=consultant,
            rule=AssignmentRule.POOL,
            entered_at__gte=start,
            entered_at__lt=end,
        ).count()
        if taken >= limit:
            return TakeRefusal("pool_daily_limit", _("You took today's limit from the pool."))
    cooldown = policy.pool_retake_cooldown_days
    if (
        cooldown
        and verdict.last_owner == consultant.username
        and verdict.since
        and (now <= window_end(verdict.since, cooldown, project.tzinfo))
    ):
        return TakeRefusal(
            "retake_cooldown", _("You let this customer lapse and cannot retake them yet.")
        )
    return None


def household_take(*, household: Household, acting_user) -> Verdict:
    """A consultant takes a household from the public pool (A14)."""
    project = household.project
    ensure_acts_for(acting_user, acting_user, project)
    if not has_role(acting_user, Role.CONSULTANT):
        raise NotPermitted(_("Only consultants take customers from the pool."))
    with transaction.atomic():
        lock_consultant(project, acting_user)
        _lock(household)
        now = timezone.now()
        verdict = household_verdict(household, now)
        policy = policy_in_force(project, now)
        refusal = take_refusal(
            household=household, consultant=acting_user, verdict=verdict, policy=policy, now=now
        )
        if refusal:
            raise Conflict(refusal.message, code=refusal.code)
        Assignment.objects.create(
            project=project,
            household=household,
            customer=anchor_customer(household),
            rule=AssignmentRule.POOL,
            consultant=acting_user,
            effective_at=now,
            entered_at=now,
            entered_by=acting_user,
            reason=_("Taken from the public pool"),
        )
        return household_states_refresh(project=project, household_ids=[household.pk], now=now)[
            household.pk
        ]


def households_reassign(
    *, project: Project, household_ids: list[int], consultant, reason: str, acting_user
) -> list[dict]:
    """A manager moves households: out of the pool (A14 redistribution) or, for owned ones,
    after a complaint or the customer's refusal (A11). A reason is required."""
    ensure_manager(acting_user, project)
    if not reason.strip():
        raise DomainError(
            _("Give the reason."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    households = list(
        Household.objects.filter(project=project, pk__in=household_ids, merged_into__isnull=True)
    )
    if len(households) != len(set(household_ids)):
        raise DomainError(_("Some households are not in this project."), code="unknown_household")
    with transaction.atomic():
        _lock(*households)
        now = timezone.now()
        verdicts = verdicts_for(project, [h.pk for h in households], now)
        anchors = {h.pk: anchor_customer(h) for h in households}
        rows, results = [], []
        for household in households:
            previous = verdicts[household.pk].owner
            rule = (
                AssignmentRule.POOL
                if verdicts[household.pk].status == "pool"
                else (AssignmentRule.REASSIGNMENT)
            )
            rows.append(
                Assignment(
                    project=project,
                    household=household,
                    customer=anchors[household.pk],
                    rule=rule,
                    consultant=consultant,
                    effective_at=now,
                    entered_at=now,
                    entered_by=acting_user,
                    reason=reason.strip(),
                )
            )
            results.append({"household": household.pk, "rule": rule, "previous_owner": previous})
        Assignment.objects.bulk_create(rows)
        household_states_refresh(project=project, household_ids=household_ids, now=now)
        _tell_reassigned(project, results, anchors, consultant, reason)
    return results


def _tell_reassigned(project, results, anchors, consultant, reason) -> None:
    previous = User.objects.in_bulk(
        {r["previous_owner"] for r in results if r["previous_owner"]}, field_name="username"
    )
    for result in results:
        customer = anchors[result["household"]]
        params = {
            "customer": customer.name,
            "rule": result["rule"],
            "reason": reason,
            "owner": consultant.first_name or consultant.username,
        }
        url = f"/customers/{customer.pk}/"
        notify(
            recipients=[consultant],
            kind="household_assigned",
            params=params,
            project=project,
            url=url,
        )
        old = previous.get(result["previous_owner"])
        if old and old != consultant:
            notify(
                recipients=[old],
                kind="household_taken_away",
                params=params,
                project=project,
                url=url,
            )


def pending_claim_submit(
    *, household: Household, consultant, evidence: str, acting_user
) -> PendingClaim:
    """A4: claim a pending household with evidence, for the manager to decide."""
    project = household.project
    ensure_acts_for(acting_user, consultant, project)
    if not evidence.strip():
        raise DomainError(
            _("Evidence is required to claim a customer."),
            code="evidence_required",
            fields={"evidence": [_("Required.")]},
        )
    with transaction.atomic():
        _lock(household)
        now = timezone.now()
        if household_verdict(household, now).status != "pending":
            raise Conflict(_("This customer is not pending confirmation."), code="not_pending")
        if PendingClaim.objects.filter(
            customer__household=household, consultant=consultant, decision__isnull=True
        ).exists():
            raise Conflict(_("You already claimed this customer."), code="claim_exists")
        customer = anchor_customer(household)
        claim = PendingClaim.objects.create(
            project=project,
            household=household,
            customer=customer,
            consultant=consultant,
            evidence=evidence.strip(),
            entered_at=now,
            entered_by=acting_user,
        )
        notify(
            recipients=managers_of(project),
            kind="pending_claim_submitted",
            params={
                "consultant": consultant.first_name or consultant.username,
                "customer": customer.name,
            },
            project=project,
            url=f"/customers/{customer.pk}/",
        )
    return claim


def pending_claim_decide(
    *, claim: PendingClaim, approve: bool, reason: str, acting_user
) -> PendingClaimDecision:
    household = claim.household
    project = claim.project
    ensure_manager(acting_user, project)
    with transaction.atomic():
        _lock(household)
        now = timezone.now()
        if PendingClaimDecision.objects.filter(claim=claim).exists():
            raise Conflict(_("This claim was already decided."), code="already_decided")
        if approve and household_verdict(household, now).status != "pending":
            raise Conflict(_("This customer is no longer pending."), code="not_pending")
        decision = PendingClaimDecision.objects.create(
            claim=claim,
            approve=approve,
            reason=reason.strip(),
            entered_at=now,
            entered_by=acting_user,
        )
        household_states_refresh(project=project, household_ids=[household.pk], now=now)
        notify(
            recipients=[claim.consultant],
            kind="pending_claim_decided",
            params={
                "customer": claim.customer.name,
                "outcome": _("approved") if approve else _("denied"),
            },
            project=project,
            url=f"/customers/{claim.customer_id}/",
        )
    return decision


def consultant_depart(*, user, acting_user) -> int:
    """A12: the consultant leaves; their live claims without a deal go to the pool of each
    project, for the managers to reassign, and they are logged out everywhere (sessions and
    API tokens). Returns how many households were released."""
    projects = list(Project.objects.filter(memberships__user=user))
    for project in projects:
        ensure_manager(acting_user, project)
    released = 0
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions_end(user)
        now = timezone.now()
        for project in projects:
            released += _release_claims(project, user, acting_user, now)
    return released


def _release_claims(project: Project, user, acting_user, now: datetime) -> int:
    owned = list(
        HouseholdState.objects.filter(
            project=project, owner=user, status__in=(*LIVE, "pending")
        ).values_list("household_id", flat=True)
    )
    households = list(Household.objects.filter(pk__in=owned))
    _lock(*households)
    anchors = {h.pk: anchor_customer(h) for h in households}
    Assignment.objects.bulk_create(
        Assignment(
            project=project,
            household=h,
            customer=anchors[h.pk],
            rule=AssignmentRule.DEPARTURE,
            consultant=user,
            effective_at=now,
            entered_at=now,
            entered_by=acting_user,
            reason=_("The consultant left"),
        )
        for h in households
    )
    verdicts = household_states_refresh(project=project, household_ids=owned, now=now)
    count = sum(1 for v in verdicts.values() if v.status == "pool")
    if count:
        notify(
            recipients=managers_of(project),
            kind="claim_released",
            params={"count": count, "consultant": user.first_name or user.username},
            project=project,
            url=f"/p/{project.code}/pool/",
        )
    return count


def staff_quota_set(*, project: Project, user, claim_quota: int | None, acting_user) -> None:
    """A9: a manager sets a consultant's own quota (80 after a good quarter, 30 after none)."""
    ensure_manager(acting_user, project)
    if claim_quota is not None and claim_quota < 0:
        raise DomainError(
            _("A quota is a whole number."),
            code="invalid",
            fields={"claim_quota": [_("Not negative.")]},
        )
    membership = Membership.objects.get(project=project, user=user)
    membership.claim_quota = claim_quota
    membership.save(update_fields=["claim_quota"])

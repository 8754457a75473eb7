"""A dispute's flow after its opening (DOMAIN.md §7): who may decide it, the state machine its
steps follow, the supervisor's review and the appeal.

Every step is appended (``DisputeStep``) and the dispute's ``state`` follows it:
open → (reviewed) → ruled → (appealed → final). The rulings themselves are in
``disputes.decisions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attribution.services import ensure_manager, household_states_refresh
from customers.models import Household
from disputes.models import Dispute, DisputeState, DisputeStep, StepKind
from disputes.opening import dispute_url, required_reason
from projects.notifications import managers_of, notify
from salesoffice.errors import Conflict, NotPermitted

User = get_user_model()


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


def ensure_move_allowed(dispute: Dispute, move: str) -> None:
    state = dispute.state
    if state in ALLOWED_FROM[move]:
        return
    if state == DisputeState.FINAL:
        raise Conflict(_("This dispute was finally ruled: it is closed."), code="dispute_closed")
    code, sentence = REFUSALS.get((move, state)) or REFUSALS[(move, None)]
    raise Conflict(str(sentence), code=code)


def locked_dispute(dispute: Dispute) -> Dispute:
    """The household first (as when opening), then the dispute: one order, no deadlock."""
    household_id = dispute.customer.household_id
    list(Household.objects.select_for_update().filter(pk=household_id))
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("project", "customer__household__project")
        .get(pk=dispute.pk)
    )


def step_append(
    dispute: Dispute, kind: str, note: str, acting_user, now: datetime, **extra
) -> DisputeStep:
    return DisputeStep.objects.create(
        dispute=dispute, kind=kind, note=note, entered_at=now, entered_by=acting_user, **extra
    )


def state_set(dispute: Dispute, state: str, closed_at: datetime | None) -> None:
    dispute.state = state
    dispute.closed_at = closed_at
    dispute.save(update_fields=["state", "closed_at"])


def tell_parties(dispute: Dispute, kind: str, params: dict, extra: Iterable = ()) -> None:
    parties = User.objects.filter(pk__in=dispute.parties)
    notify(
        recipients=[*parties, *extra],
        kind=kind,
        params={"customer": dispute.customer.name, **params},
        project=dispute.project,
        url=dispute_url(dispute),
    )


# -- review and appeal ---------------------------------------------------------------------------


def dispute_review(*, dispute: Dispute, note: str, acting_user) -> DisputeStep:
    """The optional supervisor review (主管协调) before the ruling, by a manager not a party."""
    ensure_may_decide(dispute, acting_user)
    note = required_reason(note)
    with transaction.atomic():
        dispute = locked_dispute(dispute)
        ensure_move_allowed(dispute, "review")
        now = timezone.now()
        step = step_append(dispute, StepKind.REVIEW, note, acting_user, now)
        state_set(dispute, DisputeState.REVIEWED, None)
    return step


def dispute_appeal(*, dispute: Dispute, reason: str, acting_user) -> DisputeStep:
    """A party appeals the ruling: the household is ``disputed`` again until the final one."""
    if acting_user.pk not in dispute.parties:
        raise NotPermitted(_("Only a party to the dispute may appeal its ruling."))
    reason = required_reason(reason)
    with transaction.atomic():
        dispute = locked_dispute(dispute)
        ensure_move_allowed(dispute, "appeal")
        now = timezone.now()
        step = step_append(dispute, StepKind.APPEAL, reason, acting_user, now)
        state_set(dispute, DisputeState.APPEALED, None)
        household_states_refresh(
            project=dispute.project, household_ids=[dispute.customer.household_id], now=now
        )
        tell_parties(dispute, "dispute_appealed", {}, extra=managers_of(dispute.project))
    return step

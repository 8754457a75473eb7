"""The sales pipeline (DOMAIN.md §2): potential 潜在 → intent 意向 → negotiating 洽谈 → closed
成交, or lost 流失 with a reason.

Every move is a ``StageChange`` (append-only) and ``Customer.stage`` is their fold; both are
written in one transaction under the customer's row lock, so two people moving one customer at
once are applied one after the other and the ledger's ``from_stage`` always matches.

Who moves what:

- **By hand** (``cause="manual"``): one step forward, potential → intent → negotiating; any open
  stage → lost, with a reason; lost → potential or intent (reactivation). The consultant who owns
  or serves the customer today, clerks and managers.
- **By events**: a subscription closes the customer (``cause="subscription:<id>"``, from any
  stage); cancelling the customer's last live deal reopens closed → negotiating
  (``cause="cancellation:<id>"`` or ``"contract_cancellation:<id>"``). Nobody closes by hand
  and a closed customer leaves closed only through a cancellation, so the funnel's closed count
  is the customers with a live deal. An event that finds nothing to change (a second unit
  bought, a cancellation while another deal stands) records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.visibility import household_in_view
from customers.models import Customer, Stage, StageChange
from customers.timeline import TimelineEntry
from projects.access import has_role, is_member
from projects.roles import DESK_ROLES, Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

MANUAL = "manual"
DEAL = "subscription"
REOPENING = ("cancellation", "contract_cancellation")
# The roles that move stages by hand (a consultant only for customers they own or serve).
MOVING_ROLES = DESK_ROLES

# The moves a person makes by hand, from each stage, in the order the control shows them.
MANUAL_MOVES: dict[str, tuple[str, ...]] = {
    Stage.POTENTIAL: (Stage.INTENT, Stage.LOST),
    Stage.INTENT: (Stage.NEGOTIATING, Stage.LOST),
    Stage.NEGOTIATING: (Stage.LOST,),
    Stage.CLOSED: (),
    Stage.LOST: (Stage.POTENTIAL, Stage.INTENT),
}


def allowed_moves(stage: str) -> tuple[str, ...]:
    """Pure: the stages one may move a customer to by hand from ``stage``."""
    return MANUAL_MOVES.get(stage, ())


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


# -- who may move -------------------------------------------------------------------------------


def may_move_by_hand(user, customer: Customer) -> bool:
    """Clerks and managers of the project; a consultant for a household they own or serve
    today (the customer page's own visibility rule, §11)."""
    if not (user.is_superuser or is_member(user, customer.project)):
        return False
    if user.is_superuser or has_role(user, Role.CLERK, Role.MANAGER):
        return True
    if not has_role(user, Role.CONSULTANT):
        return False
    return household_in_view(customer, user)[1]


# -- causes -------------------------------------------------------------------------------------


def _cause_kind(cause: str) -> tuple[str, int | None]:
    """``"subscription:12"`` → ("subscription", 12); ``"manual"`` → ("manual", None)."""
    if cause == MANUAL:
        return MANUAL, None
    kind, _sep, number = cause.partition(":")
    if kind in (DEAL, *REOPENING) and number.isdigit():
        return kind, int(number)
    raise DomainError(_("Unknown cause of a stage change."), code="invalid_cause")


# Which of a customer's subscriptions are live (neither cancelled nor ended by a cancelled
# contract): the deals app (orders, above this one) answers, registered in its AppConfig.ready.
LIVE_DEALS: dict[str, Callable[[Customer], Iterable[int]]] = {}


def _live_deal_ids(customer: Customer) -> set[int]:
    return {pk for source in LIVE_DEALS.values() for pk in source(customer)}


# -- refusals -----------------------------------------------------------------------------------


def illegal_stage(current: str, wanted: str) -> Conflict:
    """An illegal move names the stage and the moves that are legal from it."""
    allowed = allowed_moves(current)
    if wanted == Stage.CLOSED:
        detail = _("A customer is closed by a subscription, not by hand.")
    elif allowed:
        detail = _("A customer in “%(stage)s” can move to: %(allowed)s.") % {
            "stage": stage_label(current),
            "allowed": "、".join(stage_label(s) for s in allowed),
        }
    else:
        detail = _("A customer in “%(stage)s” leaves it only through a cancellation.") % {
            "stage": stage_label(current)
        }
    return Conflict(
        detail,
        code="illegal_stage",
        extra={"stage": current, "to_stage": wanted, "allowed": list(allowed)},
    )


def _check_manual(current: str, to_stage: str, reason: str) -> None:
    if to_stage not in allowed_moves(current):
        raise illegal_stage(current, to_stage)
    if to_stage == Stage.LOST and not reason:
        message = _("Say why the customer is lost.")
        raise DomainError(message, code="reason_required", fields={"reason": [message]})


def _event_applies(customer: Customer, kind: str, number: int, to_stage: str) -> bool:
    """Whether a deal event changes the stage: a live subscription of this customer closes
    them unless already closed; a cancellation reopens a closed customer with no live deal."""
    if kind == DEAL:
        if to_stage != Stage.CLOSED or number not in _live_deal_ids(customer):
            raise DomainError(
                _("No such live subscription of this customer."), code="invalid_cause"
            )
        return customer.stage != Stage.CLOSED
    if to_stage != Stage.NEGOTIATING:
        raise DomainError(_("A cancellation reopens to negotiating."), code="invalid_cause")
    return customer.stage == Stage.CLOSED and not _live_deal_ids(customer)


# -- the move -----------------------------------------------------------------------------------


def stage_move(
    *, customer: Customer, to_stage: str, reason: str = "", cause: str = MANUAL, acting_user
) -> StageChange | None:
    """Moves the customer and records the move; returns the StageChange, or None when a deal
    event finds nothing to change. Illegal manual moves are refused with ``illegal_stage``."""
    reason = (reason or "").strip()
    kind, number = _cause_kind(cause)
    if to_stage not in Stage.values:
        raise illegal_stage(customer.stage, to_stage)
    if kind == MANUAL and not may_move_by_hand(acting_user, customer):
        raise NotPermitted(_("Only the customer's consultant, a clerk or a manager moves stages."))
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if kind == MANUAL:
            _check_manual(locked.stage, to_stage, reason)
        elif not _event_applies(locked, kind, number, to_stage):
            customer.stage = locked.stage
            return None
        change = StageChange.objects.create(
            project_id=locked.project_id,
            customer=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            reason=reason,
            cause=cause,
            entered_at=timezone.now(),
            entered_by=acting_user,
        )
        locked.stage = to_stage
        locked.save(update_fields=["stage"])
    customer.stage = to_stage
    return change


# -- reads --------------------------------------------------------------------------------------


def stage_history(customer: Customer) -> list[StageChange]:
    """The customer's moves, oldest first, with who entered them (one query)."""
    return list(
        StageChange.objects.filter(customer=customer)
        .select_related("entered_by")
        .order_by("entered_at", "id")
    )


def stage_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    """The customer page's timeline source: each move with who made it and why."""
    return [
        TimelineEntry(
            "stage", change.entered_at, change, template="desk/partials/timeline_stage.html"
        )
        for change in stage_history(customer)
    ]

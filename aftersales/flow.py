"""The ticket flow of seed 002 as data and pure functions: no ORM, no clock.

new → routed (the department's queue) → solution proposed → [cost estimated → costed by finance
→ approved by a manager] → owner informed, with a promised deadline → reviewed by a manager →
closed with a satisfaction rating → (reopened: back to the queue).

The bracketed part is the path of a solution that costs money (是否发生费用); without a cost a
manager informs the owner straight after the solution. A manager who declines the cost sends the
ticket back to the queue for another solution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from attribution.windows import LAST_SECOND, window_end
from projects.roles import Role

NEW = "new"
ROUTED = "routed"
SOLUTION_PROPOSED = "solution_proposed"
COST_ESTIMATED = "cost_estimated"
COSTED = "costed"
APPROVED = "approved"
FEEDBACK_GIVEN = "feedback_given"
REVIEWED = "reviewed"
CLOSED = "closed"

# Seed 002, node D5: the engineering solution within a week, counted as every *_days window
# of DOMAIN.md §3 (routed on local day D → due through D + 7 23:59:59). The same for each queue.
SOLUTION_DAYS = 7

# Who works each category's queue: the department's own staff; sales and other questions stay
# with the sales office (the deputy manager answers the owner's questions, seed 002 B4).
QUEUE_ROLES: dict[str, tuple[str, ...]] = {
    "engineering": (Role.ENGINEERING,),
    "property": (Role.PROPERTY,),
    "sales": (Role.CLERK, Role.MANAGER),
    "other": (Role.CLERK, Role.MANAGER),
}
QUEUES = tuple(QUEUE_ROLES)
QUEUE_OF_ROLE = {Role.ENGINEERING: "engineering", Role.PROPERTY: "property"}

# Who opens tickets (and reopens them) for their customers: the desk's people.
OPENING_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER)
QUEUE_STAFF = "queue"  # a placeholder in ``Move.roles``: the ticket's queue roles


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    roles: tuple[str, ...]
    needs: tuple[str, ...] = ()  # inputs the move requires: note, amount, deadline, rating…


MOVES: dict[str, Move] = {
    "route": Move(frozenset({NEW, ROUTED}), ROUTED, (Role.MANAGER,), ("category",)),
    "propose": Move(frozenset({ROUTED}), SOLUTION_PROPOSED, (QUEUE_STAFF,), ("note",)),
    "estimate": Move(frozenset({SOLUTION_PROPOSED}), COST_ESTIMATED, (QUEUE_STAFF,), ("amount",)),
    "cost": Move(frozenset({COST_ESTIMATED}), COSTED, (Role.FINANCE,), ("amount",)),
    "approve": Move(frozenset({COSTED}), APPROVED, (Role.MANAGER,)),
    "decline": Move(frozenset({COSTED}), ROUTED, (Role.MANAGER,), ("note",)),
    "feedback": Move(
        frozenset({SOLUTION_PROPOSED, APPROVED}),
        FEEDBACK_GIVEN,
        (Role.MANAGER,),
        ("note", "deadline"),
    ),
    "review": Move(frozenset({FEEDBACK_GIVEN}), REVIEWED, (Role.MANAGER,)),
    "close": Move(frozenset({REVIEWED}), CLOSED, (Role.MANAGER,), ("rating",)),
    "reopen": Move(frozenset({CLOSED}), ROUTED, OPENING_ROLES, ("note",)),
}
ACTIONS = tuple(MOVES)
# Which inputs each move records; anything else sent with it is refused, never silently dropped.
INPUTS = ("note", "amount", "deadline", "rating", "category")
ACCEPTS: dict[str, frozenset[str]] = {
    action: frozenset({"note", *move.needs}) for action, move in MOVES.items()
}
# propose may carry the cost estimate at once (seed 002 D5: the solution with its budget).
ACCEPTS["propose"] = ACCEPTS["propose"] | {"amount"}


def allowed_actions(state: str) -> tuple[str, ...]:
    """The moves legal from ``state``, in the flow's order."""
    return tuple(action for action, move in MOVES.items() if state in move.sources)


def is_legal(state: str, action: str) -> bool:
    return action in MOVES and state in MOVES[action].sources


def roles_for(action: str, category: str) -> tuple[str, ...]:
    """The roles that may make ``action`` on a ticket of ``category``."""
    roles: list[str] = []
    for role in MOVES[action].roles:
        roles += QUEUE_ROLES.get(category, ()) if role == QUEUE_STAFF else (role,)
    return tuple(roles)


# -- what the events add up to ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What the fold needs of an event."""

    action: str
    to_state: str
    at: datetime
    category: str = ""
    amount: Decimal | None = None
    deadline: date | None = None
    rating: int | None = None


@dataclass(frozen=True)
class Summary:
    """The ticket as its events leave it: the row the lists read is exactly this."""

    state: str = NEW
    category: str = ""
    solution_due: datetime | None = None  # the last second of the queue's 7 days
    feedback_due: datetime | None = None  # the last second of the day promised to the owner
    estimated_cost: Decimal | None = None
    costed_amount: Decimal | None = None
    rating: int | None = None
    closed_at: datetime | None = None


def solution_due(routed_at: datetime, tz: ZoneInfo) -> datetime:
    return window_end(routed_at, SOLUTION_DAYS, tz)


def promised_until(day: date, tz: ZoneInfo) -> datetime:
    """A deadline told to the owner is a day: it holds to that day's last second, locally."""
    return datetime.combine(day, LAST_SECOND, tzinfo=tz)


def summary_of(steps: Iterable[Step], tz: ZoneInfo) -> Summary:
    """The events in order. Entering the queue (routing, a declined cost, a reopening) starts
    a new round: the solution is due 7 days later and the earlier amounts and promise lapse."""
    summary = Summary()
    for step in steps:
        summary = _apply(summary, step, tz)
    return summary


def _apply(summary: Summary, step: Step, tz: ZoneInfo) -> Summary:
    changes: dict = {"state": step.to_state}
    if step.category:
        changes["category"] = step.category
    if step.to_state == ROUTED:
        changes |= {
            "solution_due": solution_due(step.at, tz),
            "feedback_due": None,
            "estimated_cost": None,
            "costed_amount": None,
            "rating": None,
            "closed_at": None,
        }
    elif step.action == "estimate":
        changes["estimated_cost"] = step.amount
    elif step.action == "cost":
        changes["costed_amount"] = step.amount
    elif step.action == "feedback" and step.deadline is not None:
        changes["feedback_due"] = promised_until(step.deadline, tz)
    elif step.action == "close":
        changes |= {"rating": step.rating, "closed_at": step.at}
    return replace(summary, **changes)


SOLUTION_LATE = "solution"
FEEDBACK_LATE = "feedback"


def overdue(summary: Summary, now: datetime) -> tuple[str, ...]:
    """What is late at ``now``: the solution while the queue still owes one, the promise made
    to the owner while the ticket is not closed."""
    late = []
    if summary.state == ROUTED and summary.solution_due and now > summary.solution_due:
        late.append(SOLUTION_LATE)
    if (
        summary.state in (FEEDBACK_GIVEN, REVIEWED)
        and summary.feedback_due
        and now > summary.feedback_due
    ):
        late.append(FEEDBACK_LATE)
    return tuple(late)


# Whom a ticket waits for after a move (they are told): the next step's people. Reviews and
# closing follow the managers' own feedback, so they are not told again.
WAITS_FOR = {
    ROUTED: "propose",
    COST_ESTIMATED: "cost",
    COSTED: "approve",
    SOLUTION_PROPOSED: "feedback",
    APPROVED: "feedback",
}

"""Reads of the after-sales app: who sees which tickets and visits, the queues with their
filters and overdue rows first, and one ticket as its events add up. Constant queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext as _

from aftersales import flow
from aftersales.models import Ticket, TicketEvent, TicketState, Visit
from aftersales.services import may_move, steps_of
from projects.access import is_member, role_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound, NotPermitted

OPEN = "open"  # every state but closed: the work still to do
ALL = "all"


def _ensure_member(user, project: Project) -> None:
    if not (user.is_superuser or is_member(user, project)):
        raise NotFound(_("No such project."), code="unknown_project")


def tickets_visible_to(user, project: Project) -> QuerySet[Ticket]:
    """Managers and clerks see every ticket; a department its queue; finance the tickets that
    had a cost estimated; a consultant those of their customers and the ones they opened."""
    _ensure_member(user, project)
    tickets = Ticket.objects.filter(project=project)
    role = role_of(user)
    if role in (Role.MANAGER, Role.CLERK):
        return tickets
    if role in flow.QUEUE_OF_ROLE:
        return tickets.filter(category=flow.QUEUE_OF_ROLE[role])
    if role == Role.FINANCE:
        estimated = TicketEvent.objects.filter(ticket=OuterRef("pk"), action="estimate")
        return tickets.filter(Exists(estimated))
    if role == Role.CONSULTANT:
        return tickets.filter(
            Q(opened_by=user)
            | Q(customer__household__state__owner=user)
            | Q(visit__consultant=user)
        )
    raise NotPermitted()


def overdue_q(now: datetime) -> Q:
    """``flow.overdue`` in SQL, on the columns each move derives from the events."""
    return Q(state=flow.ROUTED, solution_due_at__lt=now) | Q(
        state__in=(flow.FEEDBACK_GIVEN, flow.REVIEWED), feedback_due_at__lt=now
    )


@dataclass(frozen=True)
class QueueFilter:
    queue: str = ""  # a category; empty for every queue the viewer sees
    state: str = OPEN  # open, all, or one state
    overdue: bool = False


def queue_filter(*, queue: str = "", state: str = "", overdue: bool = False) -> QueueFilter:
    """The filter asked for, or a refusal naming the field (never a silent empty list)."""
    if queue and queue not in flow.QUEUES:
        raise DomainError(
            _("Unknown queue."), code="unknown_queue", fields={"queue": list(flow.QUEUES)}
        )
    state = state or OPEN
    if state not in (OPEN, ALL, *TicketState.values):
        raise DomainError(
            _("Unknown state."),
            code="unknown_state",
            fields={"state": [OPEN, ALL, *TicketState.values]},
        )
    return QueueFilter(queue, state, overdue)


def default_queue(user) -> str:
    """Engineering and property staff land on their own queue; others see every queue."""
    return flow.QUEUE_OF_ROLE.get(role_of(user), "")


def queue_of(user, project: Project, wanted: QueueFilter, now: datetime) -> QuerySet[Ticket]:
    tickets = tickets_visible_to(user, project)
    if wanted.queue:
        tickets = tickets.filter(category=wanted.queue)
    if wanted.state == OPEN:
        tickets = tickets.exclude(state=TicketState.CLOSED)
    elif wanted.state != ALL:
        tickets = tickets.filter(state=wanted.state)
    if wanted.overdue:
        tickets = tickets.filter(overdue_q(now))
    return (
        tickets.annotate(is_overdue=_flag(overdue_q(now)))
        .select_related("project", "customer", "unit", "opened_by")
        .order_by("-is_overdue", "opened_at", "id")
    )


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


# -- one ticket --------------------------------------------------------------------------------


def ticket_for(user, pk: int) -> Ticket:
    """A ticket with its events, or 404 for whoever may not see it."""
    ticket = (
        Ticket.objects.select_related("project", "customer", "unit", "opened_by")
        .prefetch_related(
            Prefetch("events", queryset=TicketEvent.objects.select_related("entered_by")),
            "escalations",
        )
        .filter(pk=pk)
        .first()
    )
    try:
        visible = ticket is not None and tickets_visible_to(user, ticket.project).filter(pk=pk)
        if visible and visible.exists():
            return ticket
    except (NotFound, NotPermitted):
        pass
    raise NotFound(_("No such ticket."), code="ticket_not_found")


@dataclass(frozen=True)
class TicketView:
    """A ticket as of ``now``: its due dates and lateness from the events and the clock (not
    from whether a job ran), the moves legal now and those the viewer may make."""

    ticket: Ticket
    events: list[TicketEvent]
    summary: flow.Summary
    overdue: tuple[str, ...]
    allowed: tuple[str, ...]
    actions: tuple[str, ...]
    now: datetime

    @property
    def state_label(self) -> str:
        return str(TicketState(self.summary.state).label)


def ticket_view(ticket: Ticket, viewer, now: datetime) -> TicketView:
    events = list(ticket.events.all())
    summary = flow.summary_of(steps_of(events), ticket.project.tzinfo)
    allowed = flow.allowed_actions(summary.state)
    return TicketView(
        ticket=ticket,
        events=events,
        summary=summary,
        overdue=flow.overdue(summary, now),
        allowed=allowed,
        actions=tuple(a for a in allowed if may_move(viewer, ticket, a)),
        now=now,
    )


def customer_tickets(customer) -> QuerySet[Ticket]:
    return Ticket.objects.filter(customer=customer).select_related("opened_by")


# -- visits ------------------------------------------------------------------------------------

VISITS_OPEN = "open"
VISITS_RECORDED = "recorded"


def visits_visible_to(user, project: Project) -> QuerySet[Visit]:
    """A consultant's own visits; a manager every visit of the project."""
    _ensure_member(user, project)
    visits = Visit.objects.filter(project=project)
    role = role_of(user)
    if role == Role.MANAGER:
        return visits
    if role == Role.CONSULTANT:
        return visits.filter(consultant=user)
    raise NotPermitted()


def visits_of(user, project: Project, show: str, now: datetime) -> QuerySet[Visit]:
    """Open visits by due day (those due now flagged), or the recorded ones, latest first."""
    if show not in (VISITS_OPEN, VISITS_RECORDED):
        raise DomainError(
            _("Unknown list."), code="invalid", fields={"show": [VISITS_OPEN, VISITS_RECORDED]}
        )
    visits = visits_visible_to(user, project).select_related(
        "project", "customer", "unit", "consultant"
    )
    if show == VISITS_RECORDED:
        return visits.exclude(outcome="").order_by("-recorded_at", "-id")
    return (
        visits.filter(outcome="")
        .annotate(is_due=_flag(Q(due_at__lte=now)))
        .order_by("due_on", "id")
    )


def visit_for(user, pk: int) -> Visit:
    visit = (
        Visit.objects.select_related("project", "customer", "unit", "consultant")
        .filter(pk=pk)
        .first()
    )
    try:
        if visit is not None and visits_visible_to(user, visit.project).filter(pk=pk).exists():
            return visit
    except (NotFound, NotPermitted):
        pass
    raise NotFound(_("No such visit."), code="visit_not_found")

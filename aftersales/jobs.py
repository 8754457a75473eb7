"""Scheduled work of the after-sales app (DOMAIN.md §10): set-based (a statement per step for
every ticket or visit at once), idempotent (a second run finds nothing new: the escalation rows
and the notification keys say what was already done) and never the source of an answer: a
ticket's lateness is computed from its events and the clock wherever it is shown."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.utils import formats

from aftersales import flow
from aftersales.models import Ticket, TicketEscalation, Visit
from aftersales.services import ticket_url
from projects.models import Membership, Notification
from projects.notifications import notify_many

Kind = TicketEscalation.Kind
# Which column holds the deadline of each kind, and while which states it can be missed.
DEADLINES = {
    Kind.SOLUTION: ("solution_due_at", (flow.ROUTED,)),
    Kind.FEEDBACK: ("feedback_due_at", (flow.FEEDBACK_GIVEN, flow.REVIEWED)),
}
MESSAGE = {Kind.SOLUTION: "ticket_overdue", Kind.FEEDBACK: "ticket_promise_overdue"}


def _missed(kind: str, now: datetime):
    """Tickets past this deadline whose managers were not yet told about this very deadline
    (a ticket routed again has a new one, and is escalated again when it passes)."""
    column, states = DEADLINES[kind]
    told = TicketEscalation.objects.filter(
        ticket=OuterRef("pk"), kind=kind, due_at=OuterRef(column)
    )
    return (
        Ticket.objects.filter(Q(state__in=states) & Q(**{f"{column}__lt": now}))
        .filter(~Exists(told))
        .annotate(due=F(column))
        .select_related("project", "customer")
    )


def tickets_escalate(*, now: datetime) -> int:
    """Overdue solutions (7 days) and passed promises are flagged once and the project's
    managers told once: one select per kind, one insert, one query for the managers."""
    missed = [(kind, ticket) for kind in DEADLINES for ticket in _missed(kind, now)]
    if not missed:
        return 0
    TicketEscalation.objects.bulk_create(
        [TicketEscalation(ticket=t, kind=kind, due_at=t.due, entered_at=now) for kind, t in missed],
        ignore_conflicts=True,
    )
    managers = managers_by_project({t.project_id for _kind, t in missed})
    notify_many(
        [
            _overdue_notice(kind, ticket, manager, now)
            for kind, ticket in missed
            for manager in managers[ticket.project_id]
        ]
    )
    return len(missed)


def managers_by_project(project_ids) -> dict[int, list[int]]:
    managers: dict[int, list[int]] = defaultdict(list)
    for project_id, user_id in Membership.objects.filter(
        project_id__in=project_ids, user__groups__name="manager", user__is_active=True
    ).values_list("project_id", "user_id"):
        managers[project_id].append(user_id)
    return managers


def _local(ticket: Ticket, at: datetime) -> str:
    return formats.date_format(at.astimezone(ticket.project.tzinfo), "MONTH_DAY_FORMAT")


def _overdue_notice(kind: str, ticket: Ticket, manager: int, now: datetime) -> Notification:
    return Notification(
        recipient_id=manager,
        project=ticket.project,
        kind=MESSAGE[kind],
        params={
            "number": ticket.number,
            "customer": ticket.customer.name,
            "due": _local(ticket, ticket.due),
        },
        url=ticket_url(ticket),
        key=f"ticket_overdue:{kind}:{ticket.pk}:{ticket.due.isoformat()}:{manager}",
        created_at=now,
    )


def visits_remind(*, now: datetime) -> int:
    """Consultants hear once that a follow-up visit is due: the visits are claimed with one
    conditional UPDATE, the notifications inserted in one statement (and keyed)."""
    due = list(
        Visit.objects.filter(outcome="", reminded_at__isnull=True, due_at__lte=now).select_related(
            "project", "customer"
        )
    )
    if not due:
        return 0
    Visit.objects.filter(pk__in=[v.pk for v in due], reminded_at__isnull=True).update(
        reminded_at=now
    )
    notify_many(
        [
            Notification(
                recipient_id=visit.consultant_id,
                project=visit.project,
                kind="follow_up_due",
                params={"customer": visit.customer.name},
                url=f"/p/{visit.project.code}/visits/",
                key=f"visit_due:{visit.pk}",
                created_at=now,
            )
            for visit in due
        ]
    )
    return len(due)

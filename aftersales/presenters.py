"""Tickets, their events and visits as the API shows them: times in the project's zone, people
as ``{"username", "name"}``, money as a decimal string ("1200.00")."""

from __future__ import annotations

from datetime import datetime

from aftersales import flow
from aftersales.models import Action, Ticket, TicketEvent, TicketState, Visit
from aftersales.selectors import TicketView
from projects.access import person
from salesoffice.api import iso, money


def row_summary(ticket: Ticket) -> flow.Summary:
    """A listed ticket's columns, which each move derived from its events."""
    return flow.Summary(
        state=ticket.state,
        category=ticket.category,
        solution_due=ticket.solution_due_at,
        feedback_due=ticket.feedback_due_at,
        estimated_cost=ticket.estimated_cost,
        costed_amount=ticket.costed_amount,
        rating=ticket.rating,
        closed_at=ticket.closed_at,
    )


def ticket_payload(ticket: Ticket, summary: flow.Summary, now: datetime) -> dict:
    tz = ticket.project.tzinfo
    unit = ticket.unit
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "project": ticket.project.code,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name},
        "unit": {"id": unit.pk, "label": str(unit)} if unit else None,
        "origin": ticket.origin,
        "source": ticket.source,
        "source_id": ticket.source_id,
        "title": ticket.title,
        "description": ticket.description,
        "category": summary.category,
        "state": summary.state,
        "state_label": str(TicketState(summary.state).label),
        "opened_by": person(ticket.opened_by),
        "opened_at": iso(ticket.opened_at, tz),
        "solution_due_at": iso(summary.solution_due, tz),
        "feedback_due_at": iso(summary.feedback_due, tz),
        "overdue": list(flow.overdue(summary, now)),
        "estimated_cost": money(summary.estimated_cost),
        "costed_amount": money(summary.costed_amount),
        "rating": summary.rating,
        "closed_at": iso(summary.closed_at, tz),
    }


def event_payload(event: TicketEvent, tz) -> dict:
    return {
        "id": event.pk,
        "action": event.action,
        "action_label": str(Action(event.action).label),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "note": event.note,
        "category": event.category,
        "amount": money(event.amount),
        "deadline": event.deadline.isoformat() if event.deadline else None,
        "rating": event.rating,
        "entered_by": person(event.entered_by),
        "entered_at": iso(event.entered_at, tz),
    }


def ticket_detail_payload(view: TicketView) -> dict:
    tz = view.ticket.project.tzinfo
    return {
        **ticket_payload(view.ticket, view.summary, view.now),
        "events": [event_payload(e, tz) for e in view.events],
        "allowed": list(view.allowed),
        "actions": list(view.actions),
    }


def visit_payload(visit: Visit, now: datetime) -> dict:
    tz = visit.project.tzinfo
    unit = visit.unit
    return {
        "id": visit.pk,
        "project": visit.project.code,
        "customer": {"id": visit.customer_id, "name": visit.customer.name},
        "unit": {"id": unit.pk, "label": str(unit)} if unit else None,
        "consultant": person(visit.consultant),
        "handed_over_at": iso(visit.handed_over_at, tz),
        "offset_days": visit.offset_days,
        "due_on": visit.due_on.isoformat(),
        "due": not visit.outcome and visit.due_at <= now,
        "outcome": visit.outcome,
        "note": visit.outcome_note,
        "recorded_at": iso(visit.recorded_at, tz),
        "ticket": visit.ticket_id,
    }

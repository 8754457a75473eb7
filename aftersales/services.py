"""Writes of the after-sales app: opening tickets, moving them through the flow of seed 002
(``aftersales.flow``), scheduling the follow-up visits after a handover and recording them.

Every move appends a ``TicketEvent`` and rewrites the ticket row as the fold of its events
(``flow.summary_of``), under the ticket's row lock, so the row never disagrees with its history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import flow
from aftersales.models import (
    MOVE_LABELS,
    Category,
    Origin,
    Ticket,
    TicketEvent,
    TicketState,
    Visit,
    VisitOutcome,
)
from attribution.selectors import household_verdict
from attribution.visibility import household_in_view
from attribution.windows import day_bounds, local_day
from customers.models import Customer
from projects.access import has_role, is_member
from projects.models import Project
from projects.notifications import notify
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

User = get_user_model()
MAX_AMOUNT = Decimal("9999999999.99")


# -- who may do what ---------------------------------------------------------------------------


def serves_customer(user, customer: Customer) -> bool:
    """A consultant's own customer: the household's owner or closer, one they serve today, or
    one whose follow-up visits are theirs."""
    verdict, in_full = household_in_view(customer, user)
    if user.username in (verdict.owner, verdict.deal_consultant):
        return True
    if Visit.objects.filter(customer=customer, consultant=user).exists():
        return True
    return in_full


def may_open_for(user, customer: Customer) -> bool:
    """Consultants for their customers; clerks and managers for any customer of the project."""
    if not (user.is_superuser or is_member(user, customer.project)):
        return False
    if not has_role(user, *flow.OPENING_ROLES):
        return False
    return not has_role(user, Role.CONSULTANT) or serves_customer(user, customer)


def may_move(user, ticket: Ticket, action: str) -> bool:
    """The role the move needs (the queue's own staff for solutions and estimates)."""
    if not (user.is_superuser or is_member(user, ticket.project)):
        return False
    if not has_role(user, *flow.roles_for(action, ticket.category)):
        return False
    if action == "reopen" and has_role(user, Role.CONSULTANT):
        return serves_customer(user, ticket.customer)
    return True


def ensure_may_open(user, customer: Customer) -> None:
    if not may_open_for(user, customer):
        raise NotPermitted(_("Only the customer's consultant, a clerk or a manager opens tickets."))


# -- opening -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketInput:
    customer: Customer
    title: str
    description: str = ""
    origin: str = Origin.QUESTION
    category: str = ""  # empty: a manager routes it
    unit: object | None = None  # orders.Unit
    source: str = ""  # e.g. "handover.defect", with source_id
    source_id: int | None = None


def _invalid(field: str, code: str, message: str) -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def _clean_ticket(data: TicketInput) -> TicketInput:
    title = (data.title or "").strip()
    if not title:
        raise _invalid("title", "title_required", _("Say in one line what the owner raised."))
    if data.origin not in Origin.values:
        raise _invalid("origin", "unknown_origin", _("Unknown origin."))
    if data.category and data.category not in Category.values:
        raise _invalid("category", "unknown_category", _("Unknown category."))
    if data.unit is not None and data.unit.project_id != data.customer.project_id:
        raise _invalid("unit", "unit_mismatch", _("The unit is in another project."))
    if bool(data.source) != (data.source_id is not None):
        raise _invalid("source", "source_incomplete", _("Give both the source and its id."))
    return replace(data, title=title[:200], description=(data.description or "").strip())


def _ensure_new_source(data: TicketInput) -> None:
    if not data.source:
        return
    existing = Ticket.objects.filter(source=data.source, source_id=data.source_id).first()
    if existing is not None:
        raise _source_taken(existing.pk)


def _source_taken(ticket_id: int | None) -> Conflict:
    return Conflict(
        _("A ticket for this already exists."),
        code="ticket_exists",
        extra={"ticket": ticket_id},
    )


def ticket_open(*, data: TicketInput, acting_user) -> Ticket:
    """Open a ticket for a customer. With a category it goes to that department's queue at
    once: routing by category is the opener's to make (the ``route`` event is theirs); without
    one it stays new until a manager routes it."""
    ensure_may_open(acting_user, data.customer)
    data = _clean_ticket(data)
    _ensure_new_source(data)
    try:
        with transaction.atomic():
            now = timezone.now()
            ticket = Ticket.objects.create(
                project=data.customer.project,
                customer=data.customer,
                unit=data.unit,
                origin=data.origin,
                source=data.source,
                source_id=data.source_id,
                title=data.title,
                description=data.description,
                opened_by=acting_user,
                opened_at=now,
                updated_at=now,
            )
            _append(ticket, "open", TicketState.NEW, acting_user, now)
            if data.category:
                _append(ticket, "route", flow.ROUTED, acting_user, now, category=data.category)
            _refresh(ticket, now)
            _tell_who_is_next(ticket, acting_user)
    except IntegrityError as exc:  # the same defect opened by two people at once
        if data.source and "ticket_once_per_source" in str(exc):
            raise _source_taken(None) from exc
        raise
    return ticket


# -- moving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveInput:
    action: str
    note: str = ""
    amount: Decimal | None = None
    deadline: date | None = None
    rating: int | None = None
    category: str = ""

    def given(self) -> set[str]:
        values = {f: getattr(self, f) for f in flow.INPUTS}
        return {f for f, v in values.items() if v not in (None, "")}


def ensure_known(action: str) -> None:
    if action not in flow.MOVES:
        raise DomainError(
            _("Unknown action."),
            code="unknown_action",
            fields={"action": [_("Unknown action.")]},
            extra={"actions": list(flow.ACTIONS)},
        )


def ensure_legal(ticket: Ticket, action: str) -> None:
    """An illegal move names the state and the moves that are legal from it."""
    if flow.is_legal(ticket.state, action):
        return
    allowed = flow.allowed_actions(ticket.state)
    raise Conflict(
        _("A ticket that is “%(state)s” cannot take this step. Possible now: %(allowed)s.")
        % {
            "state": TicketState(ticket.state).label,
            "allowed": "、".join(str(MOVE_LABELS[a]) for a in allowed),
        },
        code="illegal_transition",
        extra={"state": ticket.state, "action": action, "allowed": list(allowed)},
    )


def ensure_may_move(user, ticket: Ticket, action: str) -> None:
    if not may_move(user, ticket, action):
        raise NotPermitted(_("Your role does not make this move on this ticket."))


def clean_move(move: MoveInput, ticket: Ticket, now: datetime) -> MoveInput:
    """What the move needs is given and sound; what it does not use is refused, not dropped."""
    extra = move.given() - flow.ACCEPTS[move.action]
    if extra:
        field = sorted(extra)[0]
        raise _invalid(field, "unexpected_field", _("This move does not take this field."))
    needs = flow.MOVES[move.action].needs
    note = (move.note or "").strip()
    if "note" in needs and not note:
        raise _invalid("note", "note_required", _("Write what was decided or said."))
    if "amount" in needs and move.amount is None:
        raise _invalid("amount", "amount_required", _("Give the amount in yuan."))
    if move.amount is not None:
        _check_amount(move.amount)
    if "deadline" in needs:
        _check_deadline(move.deadline, ticket.project, now)
    if "rating" in needs:
        _check_rating(move.rating)
    if "category" in needs:
        _check_category(move.category)
    return replace(move, note=note)


def _check_amount(amount: Decimal) -> None:
    """Money is a Decimal of yuan and fen, never a float (nor a string to be guessed at)."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise _invalid("amount", "amount_invalid", _("An amount above zero, in yuan and fen."))
    if amount <= 0 or amount > MAX_AMOUNT or amount != round(amount, 2):
        raise _invalid("amount", "amount_invalid", _("An amount above zero, in yuan and fen."))


def _check_deadline(deadline: date | None, project: Project, now: datetime) -> None:
    if deadline is None:
        raise _invalid("deadline", "deadline_required", _("Tell the owner by when it is solved."))
    if deadline < local_day(now, project.tzinfo):
        raise _invalid("deadline", "deadline_in_past", _("The promised day has already passed."))


def _check_rating(rating: int | None) -> None:
    if rating is None:
        raise _invalid("rating", "rating_required", _("Record the owner's satisfaction (1–5)."))
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise _invalid("rating", "rating_invalid", _("Satisfaction is from 1 to 5."))


def _check_category(category: str) -> None:
    if not category:
        raise _invalid("category", "category_required", _("Choose the department."))
    if category not in Category.values:
        raise _invalid("category", "unknown_category", _("Unknown category."))


def ticket_move(*, ticket: Ticket, move: MoveInput, acting_user) -> list[TicketEvent]:
    """One move of the flow (``propose`` with an amount also records its estimate: the
    solution comes with its budget, seed 002 D5). Refused moves change nothing."""
    ensure_known(move.action)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("project").get(pk=ticket.pk)
        now = timezone.now()
        ensure_legal(ticket, move.action)
        ensure_may_move(acting_user, ticket, move.action)
        move = clean_move(move, ticket, now)
        events = _record(ticket, move, acting_user, now)
        _refresh(ticket, now)
        _tell_who_is_next(ticket, acting_user)
    return events


def _record(ticket: Ticket, move: MoveInput, acting_user, now: datetime) -> list[TicketEvent]:
    if move.action == "propose" and move.amount is not None:
        proposed = _record(ticket, replace(move, amount=None), acting_user, now)
        return [
            *proposed,
            *_record(ticket, MoveInput("estimate", amount=move.amount), acting_user, now),
        ]
    target = flow.MOVES[move.action].target
    fields = {f: getattr(move, f) for f in ("note", "amount", "deadline", "rating", "category")}
    return [_append(ticket, move.action, target, acting_user, now, **fields)]


def _append(ticket: Ticket, action: str, target: str, user, now: datetime, **fields):
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_state="" if action == "open" else ticket.state,
        to_state=target,
        entered_at=now,
        entered_by=user,
        **{k: v for k, v in fields.items() if v not in (None, "")},
    )
    ticket.state = target
    return event


def steps_of(events) -> list[flow.Step]:
    return [
        flow.Step(e.action, e.to_state, e.entered_at, e.category, e.amount, e.deadline, e.rating)
        for e in events
    ]


def _refresh(ticket: Ticket, now: datetime) -> None:
    """The row as the fold of every event (one query for the events, one for the update)."""
    events = ticket.events.order_by("entered_at", "id")
    summary = flow.summary_of(steps_of(events), ticket.project.tzinfo)
    row = {
        "state": summary.state,
        "category": summary.category,
        "solution_due_at": summary.solution_due,
        "feedback_due_at": summary.feedback_due,
        "estimated_cost": summary.estimated_cost,
        "costed_amount": summary.costed_amount,
        "rating": summary.rating,
        "closed_at": summary.closed_at,
        "updated_at": now,
    }
    Ticket.objects.filter(pk=ticket.pk).update(**row)
    for field, value in row.items():
        setattr(ticket, field, value)


def staff_with_roles(project: Project, roles) -> list:
    return list(
        User.objects.filter(
            memberships__project=project, groups__name__in=list(roles), is_active=True
        ).distinct()
    )


def _tell_who_is_next(ticket: Ticket, acting_user) -> None:
    """The people of the next step hear that the ticket waits for them (not the mover)."""
    action = flow.WAITS_FOR.get(ticket.state)
    if action is None:
        return
    recipients = [
        u
        for u in staff_with_roles(ticket.project, flow.roles_for(action, ticket.category))
        if u.pk != acting_user.pk
    ]
    notify(
        recipients=recipients,
        kind="ticket_waiting",
        params={"number": ticket.number, "customer": ticket.customer.name, "title": ticket.title},
        project=ticket.project,
        url=ticket_url(ticket),
    )


def ticket_url(ticket: Ticket) -> str:
    return f"/tickets/{ticket.pk}/"


# -- follow-up visits after handover (回访) ------------------------------------------------------

# Policy-like: when the consultant calls on the owner again, in days after the keys.
VISIT_OFFSETS_DAYS = (7, 30, 90, 365)


def customers_consultant(customer: Customer):
    """The consultant the owner knows: the household's owner, else who closed the deal, else
    who held it last."""
    verdict = household_verdict(customer.household)
    username = verdict.owner or verdict.deal_consultant or verdict.last_owner
    return User.objects.filter(username=username).first() if username else None


def visits_schedule(
    *, customer: Customer, unit, handed_over_at: datetime, acting_user, consultant=None
) -> list[Visit]:
    """The visits at ``VISIT_OFFSETS_DAYS`` after the handover, for the customer's consultant
    (or ``consultant``). Calling it again for the same handover adds nothing."""
    project = customer.project
    if not (acting_user.is_superuser or is_member(acting_user, project)):
        raise NotPermitted()
    if unit is not None and unit.project_id != project.pk:
        raise _invalid("unit", "unit_mismatch", _("The unit is in another project."))
    now = timezone.now()
    if handed_over_at > now:
        raise _invalid(
            "handed_over_at", "handover_in_future", _("The keys have not been handed over yet.")
        )
    consultant = consultant or customers_consultant(customer)
    if consultant is None or not is_member(consultant, project):
        raise DomainError(_("The customer has no consultant to visit them."), code="no_consultant")
    Visit.objects.bulk_create(
        [
            _visit(customer, unit, consultant, handed_over_at, days, acting_user, now)
            for days in VISIT_OFFSETS_DAYS
        ],
        ignore_conflicts=True,
    )
    return list(Visit.objects.filter(customer=customer, unit=unit).order_by("due_on", "id"))


def _visit(customer, unit, consultant, handed_over_at, days: int, acting_user, now) -> Visit:
    tz = customer.project.tzinfo
    due_on = local_day(handed_over_at, tz) + timedelta(days=days)
    return Visit(
        project=customer.project,
        customer=customer,
        unit=unit,
        consultant=consultant,
        handed_over_at=handed_over_at,
        offset_days=days,
        due_on=due_on,
        due_at=day_bounds(due_on, tz)[0],
        scheduled_by=acting_user,
        scheduled_at=now,
    )


def may_record(user, visit: Visit) -> bool:
    """The visit's consultant records it; a manager may stand in."""
    if user.pk == visit.consultant_id:
        return True
    return has_role(user, Role.MANAGER) and (user.is_superuser or is_member(user, visit.project))


def visit_record(
    *, visit: Visit, outcome: str, note: str, acting_user, category: str = ""
) -> Visit:
    """The outcome, once. An issue opens a ticket for the owner in the same step."""
    if outcome not in VisitOutcome.values:
        raise _invalid("outcome", "unknown_outcome", _("Choose how the visit went."))
    if not may_record(acting_user, visit):
        raise NotPermitted(_("This visit is another consultant's."))
    note = (note or "").strip()
    if outcome == VisitOutcome.ISSUE and not note:
        raise _invalid("note", "note_required", _("Describe the owner's issue."))
    with transaction.atomic():
        visit = (
            Visit.objects.select_for_update().select_related("project", "customer").get(pk=visit.pk)
        )
        if visit.outcome:
            raise Conflict(_("This visit is already recorded."), code="visit_already_recorded")
        ticket = (
            _ticket_from_visit(visit, note, category, acting_user) if outcome == "issue" else None
        )
        now = timezone.now()
        Visit.objects.filter(pk=visit.pk).update(
            outcome=outcome,
            outcome_note=note,
            recorded_by=acting_user,
            recorded_at=now,
            ticket=ticket,
        )
        visit.refresh_from_db()
    return visit


def _ticket_from_visit(visit: Visit, note: str, category: str, acting_user) -> Ticket:
    return ticket_open(
        data=TicketInput(
            customer=visit.customer,
            title=note.splitlines()[0],
            description=note,
            origin=Origin.VISIT,
            category=category,
            unit=visit.unit,
            source="aftersales.visit",
            source_id=visit.pk,
        ),
        acting_user=acting_user,
    )

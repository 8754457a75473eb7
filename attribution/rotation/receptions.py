"""Receptions (接待): a walk-in received at the desk by the rotation's next consultant or by
their own consultant, one recorded after the fact for a registration, and the link from a
registration to the walk-in it completes. Receiving takes the day's queue lock (see
``attribution.rotation.queue``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import Reception, RosterEntry
from attribution.policy import Policy
from attribution.rotation.access import ensure_runs_rotation, ensure_works_desk
from attribution.rotation.queue import AWAY, BUSY, FREE, locked_entries, present_owner, today
from attribution.selectors import household_verdict, policy_in_force
from attribution.windows import day_bounds
from customers.models import Customer, Kind, Registration
from customers.phones import PhoneError, normalise_phone
from customers.validity import reason_text
from projects.models import Project
from salesoffice.errors import Conflict, DomainError


def _visitor_phone(raw: str | None) -> str:
    """The visitor's mobile, optional; a number given must be a usable one."""
    if not raw or not raw.strip():
        return ""
    try:
        return normalise_phone(raw)
    except PhoneError as exc:
        message = reason_text(exc.code)
        raise DomainError(message, code=exc.code, fields={"phone": [message]}) from exc


def _owner_of(project: Project, phone: str, now: dt.datetime) -> str | None:
    """The engine's owner of the visitor's household, if the phone is a known customer's."""
    if not phone:
        return None
    customer = (
        Customer.objects.select_related("household__project")
        .filter(project=project, phone=phone)
        .first()
    )
    return household_verdict(customer.household, now).owner if customer else None


def _reception_create(
    *,
    project: Project,
    consultant,
    at: dt.datetime,
    policy: Policy,
    acting_user,
    phone: str = "",
    own_customer: bool = False,
    recorded_for: Registration | None = None,
) -> Reception:
    return Reception.objects.create(
        project=project,
        consultant=consultant,
        received_at=at,
        register_by=at + dt.timedelta(minutes=policy.registration_deadline_minutes),
        phone=phone,
        own_customer=own_customer,
        created_by=acting_user,
        recorded_for=recorded_for,
    )


def _turn(queue: list[RosterEntry]) -> tuple[RosterEntry | None, list[RosterEntry]]:
    """The first free consultant in order, and the away ones passed over before them.
    Busy ones are skipped but keep their place (累计); away ones lose the turn (轮空)."""
    passed: list[RosterEntry] = []
    for entry in queue:
        if entry.state == FREE:
            return entry, passed
        if entry.state == AWAY:
            passed.append(entry)
    return None, []


def _to_the_back(queue: list[RosterEntry], movers: list[RosterEntry]) -> None:
    """Behind everyone else, in the order given (the receiver first, then the passed over)."""
    last = max(e.position for e in queue)
    for offset, entry in enumerate(movers, start=1):
        entry.position = last + offset


def _nobody_available(queue: list[RosterEntry]) -> Conflict:
    if not queue:
        message = _("No rotation is set for today: a clerk or manager sets the order first.")
    else:
        message = _("Nobody is free to receive a walk-in right now.")
    return Conflict(message, code="nobody_available")


def walk_in_receive(*, project: Project, phone: str | None = None, acting_user) -> Reception:
    """The front desk receives a walk-in (接待新客户).

    A visitor whose household's owner is on today's roster and not away is that consultant's
    own returning customer: they receive them and become busy, and no turn is consumed.
    Otherwise the next consultant receives: busy, counted, to the back of the queue, and every
    away consultant passed over before them goes to the back too, after them (轮空).
    """
    ensure_works_desk(acting_user, project)
    phone = _visitor_phone(phone)
    now = timezone.now()
    # The engine's answer does not depend on the queue, so it is read before the lock is taken.
    owner = _owner_of(project, phone, now)
    policy = policy_in_force(project, now)
    with transaction.atomic():
        queue = locked_entries(project, today(project, now))
        own = present_owner(queue, owner)
        if own is not None:
            own.state = BUSY
            own.save(update_fields=["state"])
            receiver, own_customer = own, True
        else:
            receiver, passed = _turn(queue)
            if receiver is None:
                raise _nobody_available(queue)
            _to_the_back(queue, [receiver, *passed])
            receiver.state = BUSY
            receiver.received += 1
            receiver.save(update_fields=["state", "received", "position"])
            for entry in passed:
                entry.save(update_fields=["position"])
            own_customer = False
        return _reception_create(
            project=project,
            consultant=receiver.consultant,
            at=now,
            policy=policy,
            acting_user=acting_user,
            phone=phone,
            own_customer=own_customer,
        )


def _was_own_customer(registration: Registration) -> bool:
    """Did the registering consultant own the household just before this registration?"""
    customer = registration.customer
    if customer is None:
        return False
    before = registration.entered_at - dt.timedelta(microseconds=1)
    owner = household_verdict(customer.household, before).owner
    return owner == registration.consultant.username


def _count_late_turn(project: Project, consultant, day: dt.date) -> None:
    """A walk-in taken without the button still used a turn: count it and move them back, as
    the button would have (only today's queue is live; a past day's is history)."""
    queue = locked_entries(project, day)
    entry = next((e for e in queue if e.consultant_id == consultant.pk), None)
    if entry is None:
        return
    _to_the_back(queue, [entry])
    entry.received += 1
    entry.save(update_fields=["received", "position"])


def reception_record(*, registration: Registration, acting_user) -> Reception:
    """A reception recorded after the fact for a walk-in the desk forgot to receive, linked to
    its registration so that it is not flagged as unregistered."""
    project = registration.project
    ensure_runs_rotation(acting_user, project)
    if registration.kind != Kind.VISIT:
        raise DomainError(_("Only a visit is a walk-in."), code="not_a_visit")
    with transaction.atomic():
        # Two clerks recording the same registration: the second waits here, then sees the first.
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if (
            registration.reception_id
            or Reception.objects.filter(recorded_for=registration).exists()
        ):
            raise Conflict(
                _("This registration already completes a reception."),
                code="reception_registered",
            )
        at = registration.occurred_at
        own = _was_own_customer(registration)
        reception = _reception_create(
            project=project,
            consultant=registration.consultant,
            at=at,
            policy=policy_in_force(project, at),
            acting_user=acting_user,
            phone=registration.phone,
            own_customer=own,
            recorded_for=registration,
        )
        day = today(project, timezone.now())
        if not own and today(project, at) == day:
            _count_late_turn(project, registration.consultant, day)
    return reception


def reception_done(reception: Reception) -> bool:
    """Completed by a registration, or recorded for one."""
    return reception.recorded_for_id is not None or hasattr(reception, "registration")


def reception_for_registration(
    *, project: Project, reception_id: int | None, consultant, phone: str
) -> Reception | None:
    """The walk-in a registration completes: of this project and consultant, not yet registered.
    The visitor's phone is recorded on it (A13 refuses channel reports for received visitors)."""
    if reception_id is None:
        return None
    reception = (
        Reception.objects.select_for_update().filter(pk=reception_id, project=project).first()
    )
    if reception is None:
        raise DomainError(
            _("Unknown reception."),
            code="unknown_reception",
            fields={"reception": [_("Unknown reception.")]},
        )
    if reception.consultant_id != consultant.pk:
        raise DomainError(
            _("This walk-in was received by another consultant."),
            code="reception_mismatch",
            fields={"reception": [_("Mismatch.")]},
        )
    if reception_done(reception):
        raise Conflict(_("This walk-in is already registered."), code="reception_registered")
    if phone and not reception.phone:
        reception.phone = phone
        reception.save(update_fields=["phone"])
    return reception


def open_reception(*, project: Project, viewer, now: dt.datetime | None = None):
    """The viewer's latest walk-in of today still waiting for its registration: received by
    them, or received at the desk by them for someone else. What the desk's bar shows."""
    start, end = day_bounds(today(project, now or timezone.now()), project.tzinfo)
    return (
        Reception.objects.filter(
            project=project,
            received_at__gte=start,
            received_at__lt=end,
            registration__isnull=True,
            recorded_for__isnull=True,
        )
        .filter(Q(consultant=viewer) | Q(created_by=viewer))
        .select_related("consultant")
        .order_by("-received_at", "-pk")
        .first()
    )

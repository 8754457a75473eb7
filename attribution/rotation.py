"""The rotation (轮序, DOMAIN.md §5): who receives the next walk-in, the day's queue, the
receptions that must be followed by a registration, and the fairness report.

The day's roster rows are the lock. Every write that changes the queue takes them FOR UPDATE
in primary-key order, so two clerks pressing 接待新客户 at the same instant are served one
after the other: the second sees the first's receiver already busy and at the back, and
nobody gets both walk-ins or is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.models import Reception, RosterEntry, RotationState
from attribution.policy import Policy
from attribution.selectors import household_verdict, policy_in_force
from attribution.services import ensure_acts_for
from attribution.windows import day_bounds, local_day
from customers.models import Customer, Kind, Registration
from customers.phones import PhoneError, normalise_phone
from customers.validity import reason_text
from projects.access import display_name, has_role, is_member
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted

User = get_user_model()

FREE, BUSY, AWAY = RotationState.FREE, RotationState.BUSY, RotationState.AWAY
# "The clerk runs the rotation" (API.md); managers may do everything a clerk does.
ROTATION_RUNNERS = (Role.CLERK, Role.MANAGER)
# Who works the front desk and may receive a walk-in there.
DESK_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER)
# Who can stand in the queue: the staff who receive customers.
ON_ROSTER_ROLES = (Role.CONSULTANT, Role.MANAGER)


# -- who may do what ---------------------------------------------------------------------------


def _member_with_role(user, project: Project, roles: tuple[str, ...]) -> bool:
    return user.is_superuser or (is_member(user, project) and has_role(user, *roles))


def runs_rotation(user, project: Project) -> bool:
    """Sets the order, anyone's state, and records receptions after the fact."""
    return _member_with_role(user, project, ROTATION_RUNNERS)


def ensure_runs_rotation(user, project: Project) -> None:
    if not runs_rotation(user, project):
        raise NotPermitted(_("Only a clerk or a manager runs the rotation."))


def ensure_works_desk(user, project: Project) -> None:
    if not _member_with_role(user, project, DESK_ROLES):
        raise NotPermitted()


# -- the day's queue ---------------------------------------------------------------------------


def today(project: Project, now: dt.datetime) -> dt.date:
    """The rotation's day is the project's local date, whatever the server's zone."""
    return local_day(now, project.tzinfo)


def day_or_today(value: str | None, project: Project) -> dt.date:
    """A date as ``2026-03-02``, or the project's today when none is given."""
    if not value:
        return today(project, timezone.now())
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(
            _("A date like 2026-03-02 is expected."),
            code="invalid_date",
            fields={"date": [_("Invalid date.")]},
        ) from exc


def _day_entries(project: Project, day: dt.date):
    return RosterEntry.objects.filter(project=project, date=day)


def _in_queue_order(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    return sorted(entries, key=lambda e: (e.position, e.pk))


def roster_of(project: Project, day: dt.date) -> list[RosterEntry]:
    """The day's entries in queue order, with their consultants (one query)."""
    return list(_day_entries(project, day).select_related("consultant").order_by("position", "pk"))


def _locked_entries(project: Project, day: dt.date) -> list[RosterEntry]:
    """The day's entries locked FOR UPDATE, in queue order.

    Rows are locked in primary-key order (a fixed order whatever the queue looks like), so two
    writers can never hold one row each while waiting for the other's. ``of=self`` leaves the
    users' rows unlocked. Under READ COMMITTED a writer that waited reads the rows as the
    previous writer committed them.
    """
    rows = (
        _day_entries(project, day)
        .select_related("consultant")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return _in_queue_order(rows)


def _first_free(queue: list[RosterEntry]) -> RosterEntry | None:
    return next((e for e in queue if e.state == FREE), None)


def _present_owner(queue: list[RosterEntry], owner: str | None) -> RosterEntry | None:
    """The visitor's owner when they are on the day's roster and not away."""
    if not owner:
        return None
    return next((e for e in queue if e.consultant.username == owner and e.state != AWAY), None)


@dataclass(frozen=True)
class Queue:
    day: dt.date
    entries: list[RosterEntry]
    next: RosterEntry | None


def queue_for(project: Project, day: dt.date) -> Queue:
    entries = roster_of(project, day)
    return Queue(day, entries, _first_free(entries))


def rotation_queue(*, project: Project, now: dt.datetime | None = None) -> Queue:
    """Today's queue: order, state and count of each consultant, and who is next."""
    return queue_for(project, today(project, now or timezone.now()))


def next_consultant(*, project: Project, now: dt.datetime | None = None):
    """The first consultant in today's order who is present and free; busy ones are skipped
    but keep their place (累计). None when nobody is."""
    entry = rotation_queue(project=project, now=now).next
    return entry.consultant if entry else None


def next_for_visitor(*, project: Project, verdict: Verdict | None, now: dt.datetime | None = None):
    """Who would receive this visitor now: their owner when on the roster and not away (their
    own returning customer), otherwise the rotation's next. What the lookup tells the desk."""
    entries = roster_of(project, today(project, now or timezone.now()))
    entry = _present_owner(entries, verdict.owner if verdict else None) or _first_free(entries)
    return entry.consultant if entry else None


# -- the roster --------------------------------------------------------------------------------


def roster_candidates(project: Project):
    """Everyone who could stand in the queue: the project's active consultants and managers."""
    return (
        User.objects.filter(
            memberships__project=project, groups__name__in=ON_ROSTER_ROLES, is_active=True
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _roster_staff(project: Project, usernames: list[str]) -> list:
    """The staff named, in the order given: each once, each able to receive customers."""
    if len(set(usernames)) != len(usernames):
        raise DomainError(
            _("Each consultant appears once in the order."),
            code="duplicate_consultant",
            fields={"order": [_("A name appears twice.")]},
        )
    found = User.objects.filter(
        memberships__project=project, username__in=usernames, is_active=True
    ).prefetch_related("groups")
    by_username = {user.username: user for user in found}
    unknown = [name for name in usernames if name not in by_username]
    if unknown:
        raise DomainError(
            _("Unknown consultant: %(name)s.") % {"name": ", ".join(unknown)},
            code="unknown_consultant",
            fields={"order": [_("Unknown staff member.")]},
        )
    others = [name for name in usernames if not has_role(by_username[name], *ON_ROSTER_ROLES)]
    if others:
        raise DomainError(
            _("Only consultants and managers receive customers: %(name)s.")
            % {"name": ", ".join(others)},
            code="not_a_consultant",
            fields={"order": [_("Not a consultant.")]},
        )
    return [by_username[name] for name in usernames]


def roster_set(
    *,
    project: Project,
    date: dt.date,
    usernames: list[str],
    acting_user,
    expected: list[str] | None = None,
) -> list[RosterEntry]:
    """The day's order. Newcomers start free with nothing received; consultants already on the
    roster keep their count and state (a reorder must not free someone with a customer);
    those left out leave the queue. A past day is history and cannot be rewritten.

    ``expected`` is the queue the caller was looking at: if walk-ins moved it since, saving
    would silently undo those moves, so it is refused (``roster_changed``)."""
    ensure_runs_rotation(acting_user, project)
    if date < today(project, timezone.now()):
        raise DomainError(
            _("The rotation of a past day cannot be changed."),
            code="roster_in_past",
            fields={"date": [_("A past day.")]},
        )
    staff = _roster_staff(project, usernames)
    with transaction.atomic():
        # A day without rows has nothing to lock: the project row serialises roster writers
        # (two clerks setting a new day at once would otherwise both insert).
        Project.objects.select_for_update().filter(pk=project.pk).first()
        current = _locked_entries(project, date)
        if expected is not None and [e.consultant.username for e in current] != expected:
            raise Conflict(
                _("The queue has moved since this page was opened: check the order, then save."),
                code="roster_changed",
            )
        existing = {e.consultant_id: e for e in current}
        for position, user in enumerate(staff, start=1):
            entry = existing.pop(user.pk, None) or RosterEntry(
                project=project, date=date, consultant=user
            )
            entry.position = position
            entry.save()
        for gone in existing.values():
            gone.delete()
    return roster_of(project, date)


def rotation_status_set(*, project: Project, consultant, state: str, acting_user) -> RosterEntry:
    """free | busy | away: a consultant for themself, a clerk or manager for anyone."""
    ensure_acts_for(acting_user, consultant, project)
    if state not in RotationState.values:
        raise DomainError(
            _("Unknown state."), code="invalid_state", fields={"state": [_("Unknown state.")]}
        )
    with transaction.atomic():
        day = today(project, timezone.now())
        entry = (
            _day_entries(project, day)
            .select_related("consultant")
            .select_for_update(of=("self",))
            .filter(consultant=consultant)
            .first()
        )
        if entry is None:
            raise Conflict(
                _("%(name)s is not on today's rotation.") % {"name": display_name(consultant)},
                code="not_on_roster",
            )
        entry.state = state
        entry.save(update_fields=["state"])
    return entry


# -- receptions --------------------------------------------------------------------------------


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
        queue = _locked_entries(project, today(project, now))
        own = _present_owner(queue, owner)
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
    queue = _locked_entries(project, day)
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


# -- fairness ----------------------------------------------------------------------------------


REGISTERED, LATE, UNREGISTERED, OPEN = "registered", "late", "unregistered", "open"


def reception_status(
    register_by: dt.datetime, registered_at: dt.datetime | None, now: dt.datetime
) -> str:
    """registered in time, late, unregistered (deadline passed), or open (still in time).
    Decided from the facts and the time, never from whether the flagging job ran."""
    if registered_at is None:
        return UNREGISTERED if register_by < now else OPEN
    return LATE if registered_at > register_by else REGISTERED


@dataclass(frozen=True)
class ReceptionLine:
    reception: Reception
    registration_id: int | None
    status: str

    @property
    def flagged(self) -> bool:
        """Not registered by the deadline (未登记), whether registered later or not at all."""
        return self.status in (LATE, UNREGISTERED)


@dataclass
class FairnessRow:
    username: str
    name: str
    position: int | None  # place in the day's order; None when not on that day's roster
    turns: int | None  # walk-ins the rotation gave them that day (the roster's count)
    receptions: int = 0
    own_customers: int = 0
    unregistered: int = 0


@dataclass(frozen=True)
class FairnessReport:
    day: dt.date
    rows: list[FairnessRow]
    receptions: list[ReceptionLine] = field(default_factory=list)


def _day_receptions(project: Project, day: dt.date, now: dt.datetime) -> list[ReceptionLine]:
    start, end = day_bounds(day, project.tzinfo)
    receptions = (
        Reception.objects.filter(project=project, received_at__gte=start, received_at__lt=end)
        .select_related("consultant")
        .annotate(
            registered_at=Coalesce("registration__entered_at", "recorded_for__entered_at"),
            registration_pk=Coalesce("registration__id", "recorded_for_id"),
        )
        .order_by("received_at", "pk")
    )
    return [
        ReceptionLine(r, r.registration_pk, reception_status(r.register_by, r.registered_at, now))
        for r in receptions
    ]


def fairness_report(
    *, project: Project, day: dt.date, now: dt.datetime | None = None
) -> FairnessReport:
    """Receptions per consultant on one local day: how many, how many were their own returning
    customers, how many were not registered in time. Two queries: the day's receptions and the
    day's roster; consultants on the roster with nothing received are listed too."""
    now = now or timezone.now()
    lines = _day_receptions(project, day, now)
    rows: dict[int, FairnessRow] = {}
    for entry in roster_of(project, day):
        rows[entry.consultant_id] = FairnessRow(
            entry.consultant.username,
            display_name(entry.consultant),
            len(rows) + 1,
            entry.received,
        )
    for line in lines:
        consultant = line.reception.consultant
        row = rows.setdefault(
            consultant.pk,
            FairnessRow(consultant.username, display_name(consultant), None, None),
        )
        row.receptions += 1
        row.own_customers += line.reception.own_customer
        row.unregistered += line.flagged
    ordered = sorted(rows.values(), key=lambda r: (r.position is None, r.position or 0, r.name))
    return FairnessReport(day, ordered, lines)


def fairness_today(project: Project, now: dt.datetime) -> FairnessReport:
    """The dashboard's tile: today's receptions per consultant, in the project's local day."""
    return fairness_report(project=project, day=local_day(now, project.tzinfo), now=now)

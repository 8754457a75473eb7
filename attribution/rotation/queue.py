"""The day's queue of the rotation: the project's day, the roster in queue order, who is next.

The day's roster rows are the lock. Every write that changes the queue takes them FOR UPDATE
in primary-key order (``locked_entries``), so two clerks pressing 接待新客户 at the same instant
are served one after the other: the second sees the first's receiver already busy and at the
back, and nobody gets both walk-ins or is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.facts import Verdict
from attribution.models import RosterEntry, RotationState
from attribution.windows import local_day
from projects.models import Project
from salesoffice.errors import DomainError
from salesoffice.periods import ensure_in_years

FREE, BUSY, AWAY = RotationState.FREE, RotationState.BUSY, RotationState.AWAY


def today(project: Project, now: dt.datetime) -> dt.date:
    """The rotation's day is the project's local date, whatever the server's zone."""
    return local_day(now, project.tzinfo)


def day_or_today(value: str | None, project: Project) -> dt.date:
    """A date as ``2026-03-02``, or the project's today when none is given."""
    if not value:
        return today(project, timezone.now())
    try:
        return ensure_in_years(dt.date.fromisoformat(value), "date")
    except ValueError as exc:
        raise DomainError(
            _("A date like 2026-03-02 is expected."),
            code="invalid_date",
            fields={"date": [_("Invalid date.")]},
        ) from exc


def day_entries(project: Project, day: dt.date):
    return RosterEntry.objects.filter(project=project, date=day)


def _in_queue_order(entries: Iterable[RosterEntry]) -> list[RosterEntry]:
    return sorted(entries, key=lambda e: (e.position, e.pk))


def roster_of(project: Project, day: dt.date) -> list[RosterEntry]:
    """The day's entries in queue order, with their consultants (one query)."""
    return list(day_entries(project, day).select_related("consultant").order_by("position", "pk"))


def locked_entries(project: Project, day: dt.date) -> list[RosterEntry]:
    """The day's entries locked FOR UPDATE, in queue order.

    Rows are locked in primary-key order (a fixed order whatever the queue looks like), so two
    writers can never hold one row each while waiting for the other's. ``of=self`` leaves the
    users' rows unlocked. Under READ COMMITTED a writer that waited reads the rows as the
    previous writer committed them.
    """
    rows = (
        day_entries(project, day)
        .select_related("consultant")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return _in_queue_order(rows)


def first_free(queue: list[RosterEntry]) -> RosterEntry | None:
    return next((e for e in queue if e.state == FREE), None)


def present_owner(queue: list[RosterEntry], owner: str | None) -> RosterEntry | None:
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
    return Queue(day, entries, first_free(entries))


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
    entry = present_owner(entries, verdict.owner if verdict else None) or first_free(entries)
    return entry.consultant if entry else None

"""The rotation's fairness report (DOMAIN.md §5): each day's receptions per consultant, how many
were their own returning customers, and which walk-ins were not registered in time (未登记)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models.functions import Coalesce
from django.utils import timezone

from attribution.models import Reception
from attribution.rotation.queue import roster_of
from attribution.windows import day_bounds, local_day
from projects.access import display_name
from projects.models import Project

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

"""Visits and calls under headings (:class:`Tally`): the day's visit and call sheet
(来人来电表), by consultant, hour and source, and visits by source (信息来源) over a period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, ExpressionWrapper
from django.db.models.functions import Trim
from django.utils.translation import gettext as _

from attribution.windows import day_bounds
from customers.models import Kind, Registration
from projects.access import display_name
from projects.models import Project
from reports.figures import counted_registrations, first_of_customer, registration_counts, voided
from reports.periods import Period


@dataclass
class Tally:
    """Visits and calls (and new customers) under one heading: a consultant, a source, an hour."""

    key: str
    label: str
    visits: int = 0
    calls: int = 0
    new_customers: int = 0

    @property
    def total(self) -> int:
        return self.visits + self.calls

    def add(self, kind: str, new: bool) -> None:
        if kind == Kind.VISIT:
            self.visits += 1
        else:
            self.calls += 1
        self.new_customers += new


@dataclass(frozen=True)
class SheetLine:
    registration: Registration
    voided: bool
    new_customer: bool


@dataclass
class VisitCallSheet:
    project: Project
    day: date
    lines: list[SheetLine]
    by_consultant: list[Tally]
    by_hour: list[Tally]
    by_source: list[Tally]
    totals: Tally
    invalid: int
    voided: int


def no_source() -> str:
    return _("Not given")


def _sorted_tallies(tallies: Iterable[Tally]) -> list[Tally]:
    return sorted(tallies, key=lambda t: (-t.total, t.label))


def _hours(lines: list[SheetLine], tz: ZoneInfo) -> list[Tally]:
    """Every hour of the office day (08–20 at least), with what came in during it."""
    hours = [line.registration.occurred_at.astimezone(tz).hour for line in lines]
    first, last = min([8, *hours]), max([20, *hours])
    tallies = {h: Tally(str(h), f"{h:02d}:00") for h in range(first, last + 1)}
    for hour, line in zip(hours, lines, strict=True):
        if not line.voided:
            tallies[hour].add(line.registration.kind, line.new_customer)
    return list(tallies.values())


def visit_call_sheet(*, project: Project, day: date) -> VisitCallSheet:
    """The day's registrations by time, kind, consultant and source: one query."""
    tz = project.tzinfo
    start, end = day_bounds(day, tz)
    registrations = (
        Registration.objects.filter(project=project, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("consultant")
        .annotate(
            is_voided=voided(),
            is_new=ExpressionWrapper(first_of_customer(), output_field=BooleanField()),
        )
        .order_by("occurred_at", "id")
    )
    lines = [SheetLine(r, r.is_voided, bool(r.is_new and not r.is_voided)) for r in registrations]
    consultants: dict[int, Tally] = {}
    sources: dict[str, Tally] = {}
    totals = Tally("total", _("Total"))
    for line in lines:
        if line.voided:
            continue
        r = line.registration
        person = consultants.setdefault(
            r.consultant_id, Tally(r.consultant.username, display_name(r.consultant))
        )
        source = r.source.strip()
        heading = sources.setdefault(source, Tally(source, source or no_source()))
        for tally in (person, heading, totals):
            tally.add(r.kind, line.new_customer)
    return VisitCallSheet(
        project=project,
        day=day,
        lines=lines,
        by_consultant=_sorted_tallies(consultants.values()),
        by_hour=_hours(lines, tz),
        by_source=_sorted_tallies(sources.values()),
        totals=totals,
        invalid=sum(1 for line in lines if not line.voided and not line.registration.valid),
        voided=sum(1 for line in lines if line.voided),
    )


# -- visits by source (信息来源) -----------------------------------------------------------------


@dataclass
class SourceReport:
    project: Project
    period: Period
    sources: list[Tally]
    totals: Tally


def source_report(*, project: Project, period: Period) -> SourceReport:
    """Visits, calls and new customers per 信息来源 over the period: one grouped query."""
    start, end = period.bounds(project.tzinfo)
    rows = (
        counted_registrations(project, start, end)
        .annotate(heading=Trim("source"))
        .values("heading")
        .annotate(**registration_counts())
    )
    sources = [
        Tally(
            row["heading"],
            row["heading"] or no_source(),
            row["visits"],
            row["calls"],
            row["new_customers"],
        )
        for row in rows
    ]
    totals = Tally("total", _("Total"))
    for tally in sources:
        totals.visits += tally.visits
        totals.calls += tally.calls
        totals.new_customers += tally.new_customers
    return SourceReport(project, period, _sorted_tallies(sources), totals)

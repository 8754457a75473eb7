"""The period a report covers: local calendar days, asked for by the filter as a day, a month
or a range (``day``, ``month``, ``from``/``to``), and the project's today."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from attribution.windows import day_bounds, local_day
from projects.models import Project
from salesoffice.errors import DomainError
from salesoffice.periods import ensure_in_years, next_month, parse_month, previous_month

MAX_DAYS = 366  # a period longer than a year is refused (period_too_long)


@dataclass(frozen=True)
class Period:
    """Local calendar days ``first`` through ``last``, both included."""

    first: date
    last: date

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The first instant of ``first`` and of the day after ``last``, local."""
        return day_bounds(self.first, tz)[0], day_bounds(self.last, tz)[1]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    @property
    def is_month(self) -> bool:
        return self.first.day == 1 and self.last == next_month(self.first) - timedelta(days=1)

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months

    def neighbours(self) -> tuple[Period | None, Period | None]:
        """The day or month before and after, for the filter's arrows (None for a range)."""
        if self.is_day:
            one = timedelta(days=1)
            return day_period(self.first - one), day_period(self.first + one)
        if self.is_month:
            return month_period(previous_month(self.first)), month_period(next_month(self.first))
        return None, None

    def params(self) -> dict[str, str]:
        """The query string that asks for this period again (links, exports)."""
        if self.is_day:
            return {"day": self.first.isoformat()}
        if self.is_month:
            return {"month": self.first.strftime("%Y-%m")}
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def day_period(day: date) -> Period:
    return Period(day, day)


def month_period(first: date) -> Period:
    return Period(first, next_month(first) - timedelta(days=1))


def months_period(last_month: date, count: int) -> Period:
    first = last_month
    for _i in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, next_month(last_month) - timedelta(days=1))


def _invalid_date(name: str) -> DomainError:
    message = _("Give a day as YYYY-MM-DD (e.g. 2026-03-02) or a month as YYYY-MM.")
    return DomainError(message, code="invalid_date", fields={name: [message]})


def parse_day(text: str, name: str = "day", *, end: bool = False) -> date:
    """``2026-03-02`` → that day; ``2026-03`` → its first day (its last with ``end``)."""
    text = (text or "").strip()
    if len(text) == 7:
        try:
            first = parse_month(text, name)
        except DomainError as exc:
            if exc.code == "invalid_period":
                raise
            raise _invalid_date(name) from exc
        return next_month(first) - timedelta(days=1) if end else first
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid_date(name) from exc
    return ensure_in_years(day, name)


def period_from(params: Mapping[str, str], default: Period) -> Period:
    """The period a report's filter asks for: ``day``, ``month``, or ``from``/``to`` (days or
    months, both included); the default without any. Refusals: ``invalid_date``,
    ``invalid_month``, ``invalid_period`` (from after to), ``period_too_long``."""
    if params.get("day"):
        return day_period(parse_day(params["day"]))
    if params.get("month"):
        return month_period(parse_month(params["month"]))
    if not (params.get("from") or params.get("to")):
        return default
    first = parse_day(params["from"], "from") if params.get("from") else default.first
    last = parse_day(params["to"], "to", end=True) if params.get("to") else default.last
    if first > last:
        message = _("The period ends before it starts.")
        raise DomainError(message, code="invalid_period", fields={"to": [message]})
    if (last - first).days >= MAX_DAYS:
        message = _("Choose a period of at most a year.")
        raise DomainError(message, code="period_too_long", fields={"from": [message]})
    return Period(first, last)


def today_of(project: Project, now: datetime) -> date:
    return local_day(now, project.tzinfo)

"""Calendar days and months as the office names them (``2026-03-02``, ``2026-03``), their bounds in
a project's zone, and the one range of years every date the office gives must fall in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from salesoffice.errors import DomainError

# The years a date in the office can mean. Beyond them a month's end, a day's next or a time
# zone's offset would carry a date out of Python's range (year 1 or 9999): a server error
# instead of a refusal. Every parser of a day, a month or a date-time checks this one bound.
YEARS = range(1900, 3000)


def ensure_in_years(day: date, field: str) -> date:
    """``day``, or 400 ``invalid_period`` when it lies outside ``YEARS``."""
    if day.year not in YEARS:
        message = _("Choose a date between %(first)s and %(last)s.") % {
            "first": YEARS.start,
            "last": YEARS.stop - 1,
        }
        raise DomainError(message, code="invalid_period", fields={field: [message]})
    return day


def parse_month(text: str, field: str = "month") -> date:
    """``2026-03`` → the first day of that month, or ``invalid_month`` (``invalid_period``
    beyond the office's years)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise DomainError(
            _("Give the month as YYYY-MM, e.g. 2026-03."),
            code="invalid_month",
            fields={field: [_("Give the month as YYYY-MM.")]},
        ) from exc
    return ensure_in_years(first, field)


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_bounds(first: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of the local month and of the next one."""
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    end_day = next_month(first)
    return start, datetime(end_day.year, end_day.month, 1, tzinfo=tz)

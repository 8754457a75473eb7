"""Calendar months as the office names them (``2026-03``) and their bounds in a project's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from salesoffice.errors import DomainError


def parse_month(text: str) -> date:
    """``2026-03`` → the first day of that month, or ``invalid_month``."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise DomainError(
            _("Give the month as YYYY-MM, e.g. 2026-03."),
            code="invalid_month",
            fields={"month": [_("Give the month as YYYY-MM.")]},
        ) from exc


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_bounds(first: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of the local month and of the next one."""
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    end_day = next_month(first)
    return start, datetime(end_day.year, end_day.month, 1, tzinfo=tz)

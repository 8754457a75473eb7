"""Calendar-day windows in the project's time zone (DOMAIN.md §3), inclusive.

An event on local day D covered for N days is covered through local D + N 23:59:59.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

LAST_SECOND = time(23, 59, 59)


def window_end(at: datetime, days: int, tz: ZoneInfo) -> datetime:
    """The last second covered: local day of ``at`` + ``days``, 23:59:59 (aware, local)."""
    local_day = at.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(local_day, LAST_SECOND, tzinfo=tz)


def local_day(at: datetime, tz: ZoneInfo):
    return at.astimezone(tz).date()


def day_bounds(day, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of a local day and of the next one."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)

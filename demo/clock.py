"""Time for the demo: the simulated clock the history is replayed on, and the calendar that
places every story relative to the day the demo is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

# Today's stories happen in the morning; loaded before they would have, they are squeezed
# into the part of today already past, so that nothing is ever entered in the future.
MORNING = (time(8, 0), time(12, 30))


class SimulatedClock:
    """Stands in for ``django.utils.timezone.now`` while the history is replayed."""

    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.current

    def set(self, when: datetime) -> None:
        self.current = when.astimezone(UTC)


@contextmanager
def simulated_clock(start: datetime) -> Iterator[SimulatedClock]:
    clock = SimulatedClock(start)
    with mock.patch("django.utils.timezone.now", new=clock):
        yield clock


class Calendar:
    """Local days and times counted back from ``now`` in the project's zone."""

    def __init__(self, now: datetime, tz: ZoneInfo) -> None:
        self.now, self.tz = now, tz
        self.today = now.astimezone(tz).date()

    def day(self, days_ago: int) -> date:
        """A local date; negative means days ahead (due dates, appointment windows)."""
        return self.today - timedelta(days=days_ago)

    def at(self, days_ago: int, hhmm: str) -> datetime:
        if days_ago == 0:
            return self.today_at(hhmm)
        return datetime.combine(self.day(days_ago), time.fromisoformat(hhmm), self.tz)

    def later(self, days_ago: int, hhmm: str) -> datetime:
        """A moment that may lie ahead of now (an appointment window, not an entry)."""
        return datetime.combine(self.day(days_ago), time.fromisoformat(hhmm), self.tz)

    def today_at(self, hhmm: str) -> datetime:
        wanted = datetime.combine(self.today, time.fromisoformat(hhmm), self.tz)
        start, end = (datetime.combine(self.today, t, self.tz) for t in MORNING)
        latest = self.now - timedelta(minutes=10)
        if latest >= end:
            return wanted
        midnight = datetime.combine(self.today, time(0), self.tz)
        latest = max(latest, midnight)
        share = min(max((wanted - start) / (end - start), 0.0), 1.0)
        return midnight + (latest - midnight) * share

    def days_between(self, earlier: datetime, later: datetime) -> int:
        """Whole local days from ``earlier``'s date to ``later``'s."""
        return (later.astimezone(self.tz).date() - earlier.astimezone(self.tz).date()).days

    def days_ago_of(self, when: datetime) -> int:
        return (self.today - when.astimezone(self.tz).date()).days

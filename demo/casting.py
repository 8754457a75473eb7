"""Hands the month's customers out to the stories: each customer plays in one story at most,
chosen (in a shuffled but seeded order) for a past that fits it."""

from __future__ import annotations

import random
from datetime import datetime

from demo.clock import Calendar
from demo.history import History, Track


class Casting:
    def __init__(self, history: History, cal: Calendar, rng: random.Random) -> None:
        self.cal = cal
        self.free = [t for t in history.tracks if t.simple]
        rng.shuffle(self.free)
        self.quiet_after: dict[str, datetime] = {}

    def pick(
        self,
        *,
        first: tuple[int, int],
        kind: str | None = "visit",
        silent_since: datetime | None = None,
        not_by: tuple[str, ...] = (),
    ) -> Track:
        """A customer first seen ``first`` (min, max) days ago, by visit or call (``kind``),
        with no contact at all since ``silent_since``, whose consultant is not in ``not_by``."""
        for track in self.free:
            if self._fits(track, first, kind, silent_since, not_by):
                self.free.remove(track)
                return track
        raise LookupError(f"no customer of the month fits a story first seen {first} days ago")

    def _fits(self, track: Track, first, kind, silent_since, not_by) -> bool:
        ago = self.cal.days_ago_of(track.first.occurred_at)
        return (
            first[0] <= ago <= first[1]
            and (kind is None or track.first.kind == kind)
            and (silent_since is None or track.contacts[-1] < silent_since)
            and track.consultant not in not_by
        )

    def quiet(self, track: Track, after: datetime) -> None:
        """The history stops for this customer at ``after``: their story goes on from there."""
        phone = track.person.phone
        self.quiet_after[phone] = min(after, self.quiet_after.get(phone, after))

"""A customer's timeline, open to every app: each registers a source of entries (its events about
the customer) in its ``AppConfig.ready``; the customer page (desk) merges them newest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from customers.models import Customer


@dataclass(frozen=True)
class CorrectionRow:
    correction: Any
    void: bool
    changes: list[tuple[str, str]]


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # "registration", "follow_up" or "link", or a registered source's kind
    at: datetime
    item: Any  # has ``pk``, ``entered_at`` and ``entered_by``
    reasons: tuple[str, ...] = ()
    corrections: tuple[CorrectionRow, ...] = ()
    template: str = ""  # a registered source's entries render with their own template


# Other apps add their events to a customer's timeline (rulings, ...): each source takes the
# customer and returns TimelineEntry items, in a constant number of queries.
TIMELINE_SOURCES: list[Callable[[Customer], Iterable[TimelineEntry]]] = []


def timeline_entries(kind: str, rows, template: str, at: str = "entered_at") -> list[TimelineEntry]:
    """A registered source's rows as entries of one kind, each at its ``at`` time."""
    return [TimelineEntry(kind, getattr(row, at), row, template=template) for row in rows]

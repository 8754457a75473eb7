"""What every step of one import shares: its context (project, clock, policy, staff, who
imports) and the chunks that keep each query's size bounded whatever the sheet's length."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from attribution.policy import Policy
from customers.models import ImportBatch
from projects.models import Project

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class StaffIndex:
    """The project's staff, found by username or, when unique, by name (the paper uses names)."""

    by_username: dict[str, int]
    by_name: dict[str, list[int]]

    @classmethod
    def of(cls, project: Project) -> StaffIndex:
        rows = (
            get_user_model()
            .objects.filter(memberships__project=project)
            .values_list("pk", "username", "first_name")
        )
        by_username: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for pk, username, name in rows:
            by_username[username] = pk
            if name:
                by_name.setdefault(name.strip(), []).append(pk)
        return cls(by_username, by_name)

    def find(self, text: str) -> tuple[int | None, str | None]:
        if text in self.by_username:
            return self.by_username[text], None
        matches = self.by_name.get(text, [])
        if len(matches) == 1:
            return matches[0], None
        return None, "ambiguous_consultant" if matches else "unknown_consultant"


@dataclass(frozen=True)
class ImportContext:
    project: Project
    tz: ZoneInfo
    now: datetime
    max_delay_hours: int
    policy: Policy
    staff: StaffIndex
    acting_user: Any
    batch: ImportBatch | None = None


def chunks(items: Sequence, size: int | None = None) -> Iterator[Sequence]:
    size = size or CHUNK_SIZE
    for start in range(0, len(items), size):
        yield items[start : start + size]

"""The menus and the manager's dashboard tiles, which every app registers for itself in its
``AppConfig.ready`` (projects knows none of the apps above it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projects.models import Project


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...]
    order: int  # the place in the menu, smallest first


# The menu shows the ones a role may use, in ``order``.
NAV_ITEMS: list[NavItem] = []


@dataclass(frozen=True)
class Waiting:
    """A list a tile shows (its first LIST_SIZE items) and how many there are in all."""

    items: list
    count: int


LIST_SIZE = 10  # the longest list a tile shows; the count says how many there are

# The dashboard's tiles by name: ``build(project, now)`` returns what the tile shows, in a
# constant number of queries.
DASHBOARD_TILES: dict[str, Callable[[Project, datetime], Any]] = {}


def nav_items() -> list[NavItem]:
    return sorted(NAV_ITEMS, key=lambda item: item.order)

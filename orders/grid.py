"""A building's units as the sales office draws them (销控表): floors top-down × rooms. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def floor_from_room(room: str) -> int | None:
    """Chinese room numbers carry the floor before two digits: 1502 → 15, 301 → 3."""
    digits = room.strip()
    if not digits.isdigit() or len(digits) < 3:
        return None
    return int(digits[:-2])


def room_position(room: str, floor: int | None) -> str:
    """The room's column: ``02`` for 1502 on floor 15, else the room itself (e.g. ``A``)."""
    prefix = str(floor) if floor is not None else None
    if prefix and room.startswith(prefix) and room[len(prefix) :].isdigit():
        return room[len(prefix) :]
    return room


@dataclass
class Block:
    """One 单元 of a building: its columns and, per floor from the top, a cell per column."""

    name: str
    columns: list[str] = field(default_factory=list)
    floors: list[tuple[int | None, list[Any]]] = field(default_factory=list)


def _column_key(position: str) -> tuple:
    return (0, int(position), position) if position.isdigit() else (1, 0, position)


def building_grid(cells: Iterable[Any]) -> list[Block]:
    """Group cells (each with ``unit``, ``floor`` and ``room``) into blocks of floors × rooms;
    a floor lacking a room shows ``None`` in that column. Units without a floor come last."""
    by_block: dict[str, dict[int | None, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for cell in cells:
        by_block[cell.unit][cell.floor][room_position(cell.room, cell.floor)] = cell
    blocks = []
    for name in sorted(by_block, key=lambda n: _column_key(n or "0")):
        floors = by_block[name]
        columns = sorted({p for rooms in floors.values() for p in rooms}, key=_column_key)
        order = sorted(floors, key=lambda f: (f is None, -(f or 0)))
        rows = [(f, [floors[f].get(c) for c in columns]) for f in order]
        blocks.append(Block(name, columns, rows))
    return blocks

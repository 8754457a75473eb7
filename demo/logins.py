"""The demo's logins as a table for the terminal (``seed_demo`` prints it)."""

from __future__ import annotations

import unicodedata

from demo.staff import ADMIN, PASSWORD, STAFF, TITLES, Login


def logins() -> list[Login]:
    return [ADMIN, *STAFF]


def width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def logins_table() -> str:
    header = ("role", "title", "username", "password", "name")
    rows = [header] + [(x.role, TITLES[x.role], x.username, PASSWORD, x.name) for x in logins()]
    widths = [max(width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

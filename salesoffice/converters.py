"""Path converters: ``<id:pk>`` is an object's id in a URL, at most 18 digits, so that a number
beyond the database's bigint is a 404 (no such page) rather than an OverflowError (a 500)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))

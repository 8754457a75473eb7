"""Cells of the spreadsheets the office downloads. Whatever a person typed (a customer's name, a
source, a note) must stay text there: a cell beginning with ``= + - @``, a tab or a carriage
return is read by Excel and LibreOffice as a formula (OWASP: CSV/formula injection), so it is
written with a leading apostrophe, as the spreadsheets themselves mark text."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_row(row: list[Any]) -> list[Any]:
    return [as_text_cell(value) for value in row]

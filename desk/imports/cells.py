"""A row's cells as the sheet gives them (text, Excel numbers, datetimes) read into a
:class:`SheetRow`: the kind, the time, the gender and the phone. Pure: no database."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from desk.imports.sheet import GENDER_WORDS, KIND_WORDS, SheetRow
from salesoffice.api import parse_local_datetime
from salesoffice.periods import YEARS

LOCAL_TIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[T ]*(\d{1,2})[:时](\d{1,2})"
    r"(?:[:分](\d{1,2}))?[分秒]?$"
)
# Excel's day numbers for 2000-01-01 .. 2100-01-01, for a time typed into a "General" cell.
EXCEL_SERIAL_RANGE = (36526, 73051)


def sheet_row(number: int, raw: dict[str, Any]) -> SheetRow:
    occurred_at, occurred_text = read_time(raw.get("occurred_at"))
    return SheetRow(
        row=number,
        kind=read_kind(raw.get("kind")),
        occurred_at=occurred_at,
        occurred_at_text=occurred_text,
        consultant=_text(raw.get("consultant")),
        name=_text(raw.get("name")),
        gender=read_gender(raw.get("gender")),
        phone=_phone_text(raw.get("phone")),
        source=_text(raw.get("source")),
        note=_text(raw.get("note")),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone_text(value: Any) -> str:
    # A phone typed into a number cell comes back as 13800138000.0 or 1.38e10.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def read_kind(value: Any) -> str:
    text = _text(value)
    return KIND_WORDS.get(text.lower(), text)


def read_gender(value: Any) -> str:
    return GENDER_WORDS.get(_text(value).lower(), "")


def read_time(value: Any) -> tuple[datetime | None, str]:
    """A datetime (naive unless the sheet gave an offset) and the text as written."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0), ""
    if isinstance(value, date | time):
        return None, str(value)
    if isinstance(value, int | float) and EXCEL_SERIAL_RANGE[0] <= value < EXCEL_SERIAL_RANGE[1]:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).replace(microsecond=0), ""
    text = _text(value)
    match = LOCAL_TIME.match(re.sub(r"\s+", " ", text.replace("：", ":")))
    parsed = None
    if match:
        try:
            y, mo, d, h, mi, s = (int(part or 0) for part in match.groups())
            parsed = datetime(y, mo, d, h, mi, s)  # noqa: DTZ001 - the project's zone, later
        except ValueError:
            parsed = None
    elif re.search(r"\d[:：]\d", text):  # a date alone is not a time of visit: midnight is a guess
        parsed = parse_local_datetime(text)
    return (parsed, "") if parsed and parsed.year in YEARS else (None, text)

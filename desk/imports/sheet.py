"""The daily sheet's layout: its columns, their Chinese headers and the words written in its
cells, and :class:`SheetRow`, one data row as written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from customers.models import Kind

COLUMNS = ("kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note")
REQUIRED_COLUMNS = ("kind", "occurred_at", "consultant", "name", "phone")
CHINESE_HEADERS = {
    "kind": "类型",
    "occurred_at": "时间",
    "consultant": "置业顾问",
    "name": "客户姓名",
    "gender": "性别",
    "phone": "手机号码",
    "source": "信息来源",
    "note": "备注",
}
HEADER_ALIASES = {
    **{column: column for column in COLUMNS},
    **{chinese: column for column, chinese in CHINESE_HEADERS.items()},
    "姓名": "name",
    "手机": "phone",
    "电话": "phone",
    "顾问": "consultant",
    "来源": "source",
}
KIND_WORDS = {"来访": Kind.VISIT, "访": Kind.VISIT, "visit": Kind.VISIT, "来电": Kind.CALL}
KIND_WORDS |= {"电": Kind.CALL, "call": Kind.CALL}
GENDER_WORDS = {"男": "M", "m": "M", "male": "M", "先生": "M", "女": "F", "f": "F"}
GENDER_WORDS |= {"female": "F", "女士": "F", "小姐": "F"}
SHEET_KIND_WORDS = {Kind.VISIT: "来访", Kind.CALL: "来电"}
SHEET_GENDER_WORDS = {"M": "男", "F": "女"}


@dataclass(frozen=True)
class SheetRow:
    """One data row as written on the sheet; ``occurred_at`` is naive when the sheet had no
    offset (read later in the project's zone) and ``None`` when it could not be read."""

    row: int
    kind: str = ""
    occurred_at: datetime | None = None
    occurred_at_text: str = ""
    consultant: str = ""
    name: str = ""
    gender: str = ""
    phone: str = ""
    source: str = ""
    note: str = ""

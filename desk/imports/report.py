"""The import's answer: the per-row report (as the API returns it and the batch keeps it), the
batch's report as XLSX, and the blank template XLSX to fill in."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from customers.models import ImportBatch
from desk.imports.sheet import CHINESE_HEADERS, COLUMNS
from desk.imports.validation import RowFacts
from salesoffice.spreadsheets import as_text_cell


@dataclass
class ImportReport:
    rows: list[RowFacts]
    dry_run: bool
    atomic: bool
    stored: bool
    batch: ImportBatch | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def created(self) -> int:
        return self.count("created") if self.stored or self.dry_run else 0

    def row_payload(self, facts: RowFacts) -> dict[str, Any]:
        body = {
            "row": facts.row,
            "status": facts.status,
            "registration": facts.registration_id,
            "customer": facts.customer_id,
            "errors": facts.errors,
            "input": facts.input,
        }
        if self.dry_run:
            body["owner"] = facts.owner
        return body

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [self.row_payload(r) for r in self.rows],
            "created": self.created,
            "invalid": self.count("invalid"),
            "duplicate": self.count("duplicate"),
            "stored": self.stored,
            "dry_run": self.dry_run,
            "atomic": self.atomic,
            "batch": self.batch.pk if self.batch else None,
        }


EXAMPLE_ROW = ("来访", "2026-03-02 10:00", "王芳", "赵敏", "女", "13800138000", "自然来访", "")


def template_xlsx() -> bytes:
    """The daily sheet template: the paper sheet's Chinese headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "来人来电表"
    sheet.append([CHINESE_HEADERS[c] for c in COLUMNS])
    sheet.append(list(EXAMPLE_ROW))
    for column, width in zip("ABCDEFGH", (8, 18, 12, 12, 6, 16, 14, 24), strict=True):
        sheet.column_dimensions[column].width = width
    # Phones as text, so Excel keeps every digit and no scientific notation.
    for cell in sheet["F"]:
        cell.number_format = "@"
    return _workbook_bytes(workbook)


STATUS_WORDS = {
    "created": lambda: _("Created"),
    "invalid": lambda: _("Invalid"),
    "duplicate": lambda: _("Duplicate"),
}


def report_xlsx(batch: ImportBatch) -> bytes:
    """A batch's row report, one line per sheet row, in the sheet's own columns."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("report")
    headers = [_("Row"), *(CHINESE_HEADERS[c] for c in COLUMNS)]
    sheet.append([*headers, _("Status"), _("Registration"), _("Customer"), _("Reasons")])
    for row in batch.report:
        values = row.get("input") or {}
        status = STATUS_WORDS.get(row["status"], lambda s=row["status"]: s)()
        reasons = "; ".join(e["message"] for e in row.get("errors", []))
        cells = [as_text_cell(values.get(c, "")) for c in COLUMNS]
        sheet.append(
            [row["row"], *cells, status, row["registration"], row.get("customer"), reasons]
        )
    return _workbook_bytes(workbook)


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Exports of office data need the manager role and are logged (DOMAIN.md §11)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from projects.access import has_role
from projects.models import ExportLog, Project
from projects.roles import Role
from salesoffice.errors import NotPermitted
from salesoffice.spreadsheets import text_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_allowed(user) -> bool:
    return user.is_superuser or has_role(user, Role.MANAGER)


def xlsx_response(
    *,
    project: Project,
    user,
    what: str,
    filename: str,
    headers: list[str],
    rows: list[list],
    params: dict | None = None,
    number_formats: dict[int, str] | None = None,
) -> HttpResponse:
    """An XLSX download, refused to anyone but a manager, and logged; typed text stays text
    (salesoffice.spreadsheets). ``number_formats``
    ({0-based column: format}) shows e.g. money with two decimals: ``{4: "#,##0.00"}``."""
    if not export_allowed(user):
        raise NotPermitted()
    book = Workbook()
    sheet = book.active
    sheet.title = what[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append(text_row(row))
    for column, number_format in (number_formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    buffer = BytesIO()
    book.save(buffer)
    ExportLog.objects.create(
        project=project,
        user=user,
        what=what,
        params=params or {},
        rows=len(rows),
        exported_at=timezone.now(),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""The daily sheet's page and its files: the blank template and a batch's report, as XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from customers.imports import ensure_may_import, report_xlsx, template_xlsx
from customers.models import ImportBatch
from projects.access import project_for
from projects.models import Project
from salesoffice.errors import NotFound, NotPermitted

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def office_project(request, code: str) -> Project:
    """The project, for its clerks and managers only (consultants may not see the sheets)."""
    try:
        project = project_for(request.user, code)
        ensure_may_import(request.user, project)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    except NotPermitted as exc:
        raise PermissionDenied(exc.detail) from exc
    return project


def sheet_context(project: Project) -> dict:
    return {"project": project, "columns": SHEET_COLUMNS}


# The grid's columns in the paper sheet's order: (API name, label msgid lives in the template).
SHEET_COLUMNS = ("kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note")


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def sheet_template(request, code):
    office_project(request, code)
    return xlsx_response(template_xlsx(), "daily-sheet-template.xlsx")


@login_required
def sheet_report(request, code, batch_id):
    project = office_project(request, code)
    batch = get_object_or_404(ImportBatch, pk=batch_id, project=project)
    return xlsx_response(report_xlsx(batch), f"daily-sheet-report-{batch.pk}.xlsx")

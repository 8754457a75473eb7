"""The daily sheet's page and its files: the blank template and a batch's report, as XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from customers.models import ImportBatch
from desk.imports.report import report_xlsx, template_xlsx
from desk.imports.services import ensure_may_import
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
    return {"project": project, "columns": sheet_columns(), "sheet_messages": sheet_messages()}


def sheet_columns() -> list[dict[str, str]]:
    """The grid's columns in the paper sheet's order, with what a cell expects."""
    return [
        {"name": "kind", "label": _("Kind"), "hint": "来访 / 来电", "list": "sheet-kinds"},
        {"name": "occurred_at", "label": _("Time"), "hint": "2026-03-02 10:00"},
        {"name": "consultant", "label": _("Consultant"), "hint": ""},
        {"name": "name", "label": _("Customer name"), "hint": ""},
        {"name": "gender", "label": _("Gender"), "hint": "男 / 女", "list": "sheet-genders"},
        {"name": "phone", "label": _("Mobile"), "hint": ""},
        {"name": "source", "label": _("Source"), "hint": ""},
        {"name": "note", "label": _("Note"), "hint": ""},
    ]


def sheet_messages() -> dict[str, str]:
    """The words the page's script shows, translated here with the rest of the UI."""
    return {
        "willCreate": _("Will create"),
        "collision": _("Collision: owned by %(name)s"),
        "returning": _("Returning customer of %(name)s"),
        "created": _("Created"),
        "storedInvalid": _("Stored as invalid: %(reasons)s"),
        "invalid": _("Invalid: %(reasons)s"),
        "notStored": _("Not stored: %(reasons)s"),
        "duplicate": _("Duplicate: %(reasons)s"),
        "customer": _("Customer page"),
        "checkSummary": _(
            "Check: %(created)s to create, %(invalid)s invalid, %(duplicate)s duplicate."
        ),
        "saveSummary": _(
            "Saved: %(created)s created, %(invalid)s invalid, %(duplicate)s duplicate."
        ),
        "atomicRefused": _(
            "Nothing was saved: with “all or nothing”, %(invalid)s invalid and %(duplicate)s "
            "duplicate rows stop the whole sheet."
        ),
        "empty": _("The sheet has no rows yet: type, paste or upload them first."),
        "uploading": _("Sending the sheet…"),
        "processing": _("Checking every row…"),
        "networkError": _("The server could not be reached. Nothing was saved; try again."),
        "serverError": _("The server could not process the sheet. Nothing was saved."),
    }


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


@login_required
def sheet(request, code):
    project = office_project(request, code)
    return render(request, "desk/sheet.html", sheet_context(project))

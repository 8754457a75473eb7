"""Pages of disputes and discipline outside the admin: opening a dispute from the customer page,
a consultant's disputes and appeals, evidence downloads, and the monthly violations report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution.visibility import visible_customer
from disputes import selectors
from disputes.flow import dispute_appeal
from disputes.forms import AppealForm, DisputeOpenForm
from disputes.models import DisputeEvidence, DisputeState
from disputes.opening import dispute_open
from disputes.timeline import step_rows
from projects.access import display_name, has_role
from projects.exports import export_allowed, xlsx_response
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound

PAGE_SIZE = 50
DISPUTE_ROLES = (Role.CONSULTANT, Role.MANAGER)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
@require_POST
def dispute_open_page(request, pk):
    """From the customer page: a consultant disputes the household with a reason and evidence."""
    customer, _verdict = visible_customer(request, pk)
    if not has_role(request.user, Role.CONSULTANT):
        raise PermissionDenied
    form = DisputeOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("customer", pk=customer.pk)
    try:
        dispute_open(
            household=customer.household,
            claimant=request.user,
            reason=form.cleaned_data["reason"],
            evidence_note=form.cleaned_data["evidence"],
            evidence_files=request.FILES.getlist("evidence_files"),
            acting_user=request.user,
        )
        messages.success(request, _("Dispute opened: a manager will rule on it."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("customer", pk=customer.pk)


@login_required
@require_GET
def disputes_page(request, code):
    """A consultant's disputes (they are party to); a manager's, every dispute of the project."""
    project = page_project(request, code, DISPUTE_ROLES)
    disputes = selectors.with_people(selectors.disputes_visible_to(request.user, project))
    page = Paginator(disputes.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_local(request, project, "disputes/list.html", {"page": page})


def _visible_dispute(request, pk: int):
    try:
        return selectors.dispute_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@login_required
@require_GET
def dispute_page(request, pk):
    """Managers decide in the admin screen; a party reads the steps here and may appeal."""
    dispute = _visible_dispute(request, pk)
    manager = request.user.is_superuser or has_role(request.user, Role.MANAGER)
    if manager and request.user.is_staff:
        return redirect(reverse("admin:disputes_dispute_change", args=[dispute.pk]))
    may_appeal = request.user.pk in dispute.parties and dispute.state == DisputeState.RULED
    context = {
        "dispute": dispute,
        "steps": step_rows(dispute.steps.all()),
        "form": AppealForm() if may_appeal else None,
    }
    return render_local(request, dispute.project, "disputes/dispute.html", context)


@login_required
@require_POST
def dispute_appeal_page(request, pk):
    dispute = _visible_dispute(request, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("dispute", pk=dispute.pk)
    try:
        dispute_appeal(
            dispute=dispute, reason=form.cleaned_data["reason"], acting_user=request.user
        )
        messages.success(request, _("Appeal recorded: another manager gives the final ruling."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("dispute", pk=dispute.pk)


@login_required
@require_GET
def evidence_download(request, pk, evidence_id):
    """Evidence files are for the dispute's parties and the project's managers only."""
    dispute = _visible_dispute(request, pk)
    evidence = get_object_or_404(
        DisputeEvidence.objects.exclude(file=""), pk=evidence_id, dispute=dispute
    )
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.filename)


def _month_report(request, project):
    staff = selectors.violations_viewer_scope(request.user, project)
    try:
        month = request.GET.get("month")
        return selectors.violations_of_month(project=project, month=month, staff=staff)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return selectors.violations_of_month(project=project, month=None, staff=staff)


@login_required
@require_GET
def violations_page(request, code):
    """违规 of a month: everyone's for a manager, one's own for a consultant, with totals."""
    project = page_project(request, code, DISPUTE_ROLES)
    report = _month_report(request, project)
    context = {"report": report, "may_export": export_allowed(request.user)}
    return render_local(request, project, "disputes/violations.html", context)


@login_required
@require_GET
def violations_export(request, code):
    project = page_project(request, code, (Role.MANAGER,))
    if not export_allowed(request.user):
        raise PermissionDenied
    report = _month_report(request, project)
    tz = project.tzinfo
    rows = [
        [
            formats.date_format(v.occurred_at.astimezone(tz), "Y-m-d H:i"),
            display_name(v.staff),
            v.get_kind_display(),
            v.amount,
            v.source,
            v.note,
        ]
        for v in report.entries
    ]
    rows += [[], [_("Total per person")]]
    rows += [[display_name(t.staff), t.count, t.amount] for t in report.totals]
    rows += [[_("Total"), len(report.entries), report.total]]
    return xlsx_response(
        project=project,
        user=request.user,
        what="violations",
        filename=f"violations-{project.code}-{report.month}.xlsx",
        headers=[_("Time"), _("Staff"), _("Violation"), _("Amount"), _("Source"), _("Note")],
        rows=rows,
        params={"month": report.month},
    )

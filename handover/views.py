"""The pages: finance's certificate desk, the PDFs, the public verify page, the handover desk
and a unit's handover with its steps as forms. Thin: forms parse, services decide, and every
refusal a user can cause is said on the page (salesoffice.errors), never a 500."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.throttling import SimpleRateThrottle

from handover import certificates, selectors
from handover.access import (
    BATCH_MAKERS,
    CERTIFICATE_READERS,
    HANDOVER_ROLES,
    QUALIFIERS,
    may_work_on_handover,
)
from handover.appointments import appointment_book, notice_record
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.checklist import may_add_defects, steps
from handover.forms import (
    AppointmentForm,
    BatchForm,
    ConfirmationForm,
    DefectForm,
    InspectionForm,
    KeysForm,
    NoticeForm,
    QualificationForm,
    RevokeForm,
    SlotForm,
)
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign, keys_hand_over
from handover.models import Document, Inspection, UnitHandover
from handover.qualification import qualification_record
from orders.selectors import buildings_of
from projects.access import has_role
from projects.pages import first_error, or_404, page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError
from salesoffice.printing import render_pdf

PAGE_SIZE = 50


# -- finance's certificate desk ----------------------------------------------------------------


@login_required
@require_GET
def certificates_page(request, code):
    """Contracts paid off without a certificate (issue), and the certificates issued."""
    project = page_project(request, code, CERTIFICATE_READERS)
    issued = Paginator(selectors.certificates_of(project), PAGE_SIZE)
    awaiting = selectors.awaiting_certificate(project)
    context = {
        # The oldest first: a long list is finance's backlog, worked from the top.
        "awaiting": list(awaiting[:PAGE_SIZE]),
        "awaiting_count": awaiting.count(),
        "page": issued.get_page(request.GET.get("page")),
        "may_revoke": has_role(request.user, Role.MANAGER, Role.FINANCE),
    }
    return render_local(request, project, "handover/certificates.html", context)


@login_required
@require_POST
def certificate_issue_page(request, pk):
    """The payoff button's form (it opens in a new tab): the PDF, or why not, in plain words."""
    contract = or_404(selectors.contract_for, request.user, pk)
    try:
        certificate = certificates.certificate_issue(contract=contract, acting_user=request.user)
    except DomainError as exc:
        context = {"error": exc, "contract": contract}
        return render_local(
            request, contract.project, "handover/refused.html", context, status=exc.status_code
        )
    return redirect("certificate-pdf", number=certificate.number)


@login_required
@require_GET
def certificate_pdf_page(request, number):
    """The PDF as issued, the same bytes every time, shown in the browser (not downloaded)."""
    certificate = or_404(selectors.certificate_for, request.user, number)
    if not certificates.may_read(request.user, certificate):
        raise PermissionDenied
    response = FileResponse(
        certificate.pdf.open("rb"), content_type="application/pdf", filename=f"{number}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_revoke_page(request, number):
    certificate = or_404(selectors.certificate_for, request.user, number)
    form = RevokeForm(request.POST)
    form.is_valid()
    try:
        certificates.certificate_revoke(
            certificate=certificate,
            reason=form.cleaned_data.get("reason", ""),
            acting_user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": number})
    return redirect("certificates", code=certificate.project.code)


# -- the public verify page --------------------------------------------------------------------


class VerifyThrottle(SimpleRateThrottle):
    """Checks per visitor (VERIFY_RATE), counted whether the code exists or not, so that the
    limit itself tells nothing about other codes."""

    scope = "verify"

    def get_rate(self) -> str:
        return settings.VERIFY_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _public(response: HttpResponse) -> HttpResponse:
    # The code is in the URL: never cached, never indexed, never sent on as a referrer.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def verify_page(request, code):
    """Anyone holding the paper checks it: number, status, unit, issue date, masked names."""
    throttle = VerifyThrottle()
    if not throttle.allow_request(request, None):
        response = render(request, "handover/verify_throttled.html", status=429)
        response["Retry-After"] = str(int(throttle.wait() or 60))
        return _public(response)
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return _public(render(request, "handover/verify_unknown.html", status=404))
    context = {"view": certificates.public_view(certificate)}
    with timezone.override(certificate.project.tzinfo):
        return _public(render(request, "handover/verify.html", context))


# -- the handover desk -------------------------------------------------------------------------


def _chosen_batch(request, batches):
    wanted = request.GET.get("batch", "")
    chosen = next((b for b in batches if str(b.pk) == wanted), None)
    return chosen or (batches[0] if batches else None)


@login_required
@require_GET
def handover_desk(request, code):
    """Batches and their windows, today's appointments, and each unit's checklist."""
    project = page_project(request, code, HANDOVER_ROLES)
    batches = list(selectors.batches_of(project))
    batch = _chosen_batch(request, batches)
    visible = selectors.visible_handovers(request.user, project)
    rows = selectors.handover_rows(visible.filter(batch=batch)) if batch else visible.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = selectors.todays_appointments(visible, project, timezone.now())
    manager = has_role(request.user, *BATCH_MAKERS)
    context = {
        "batches": batches,
        "batch": batch,
        "slots": selectors.slots_of(batch) if batch else [],
        "page": page,
        "rows": [_row(h) for h in page],
        "today": [_row(h) for h in today],
        "manager": manager,
        "batch_form": BatchForm(buildings=buildings_of(project)) if manager else None,
        "slot_form": SlotForm() if manager and batch else None,
        "batch_documents": document_labels(batch.documents) if batch else [],
    }
    return render_local(request, project, "handover/desk.html", context)


def document_labels(documents: list[str]) -> list[str]:
    return [str(Document(d).label) for d in documents if d in Document.values]


def _row(handover: UnitHandover) -> dict:
    return {"handover": handover, "steps": steps(selectors.progress_of(handover))}


@login_required
@require_POST
def batch_create_page(request, code):
    project = page_project(request, code, HANDOVER_ROLES)
    form = BatchForm(request.POST, buildings=buildings_of(project))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("handover", code=code)
    data = form.cleaned_data
    try:
        result = batch_create(
            project=project,
            data=BatchInput(
                name=data["name"],
                location=data["location"],
                building=data["building"],
                documents=tuple(data["documents"]),
                notice=data["notice"],
            ),
            acting_user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("handover", code=code)
    messages.success(
        request,
        _("Batch %(name)s planned: %(units)s units.")
        % {"name": result.batch.name, "units": len(result.handovers)},
    )
    return redirect(f"{_desk_url(code)}?batch={result.batch.pk}")


def _desk_url(code: str) -> str:
    return reverse("handover", kwargs={"code": code})


@login_required
@require_POST
def slot_create_page(request, pk):
    batch = or_404(selectors.batch_for, request.user, pk)
    form = SlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        starts_at, ends_at = form.window(batch.project.tzinfo)
        try:
            slot_create(
                batch=batch,
                data=SlotInput(starts_at, ends_at, form.cleaned_data["capacity"]),
                acting_user=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
    return redirect(f"{_desk_url(batch.project.code)}?batch={batch.pk}")


# -- one unit's handover -----------------------------------------------------------------------


def _visible_handover(request, pk: int) -> UnitHandover:
    handover = or_404(selectors.handover_for, request.user, pk)
    if not has_role(request.user, *HANDOVER_ROLES):
        raise PermissionDenied
    if not may_work_on_handover(request.user, handover.contract):
        raise PermissionDenied
    return handover


@login_required
@require_GET
def handover_page(request, pk):
    handover = _visible_handover(request, pk)
    return render_local(
        request, handover.project, "handover/handover.html", _handover_context(request, handover)
    )


def _handover_context(request, handover: UnitHandover) -> dict:
    progress = selectors.progress_of(handover)
    inspections = list(selectors.handover_inspections(handover))
    return {
        "handover": handover,
        "steps": steps(progress),
        "progress": progress,
        "documents": document_labels(handover.batch.documents),
        "valid_certificate": selectors.valid_certificate_of(handover.contract),
        "slot_choices": selectors.slot_choices(handover, timezone.now()),
        "inspections": inspections,
        "latest_inspection": inspections[-1] if inspections else None,
        "defects": selectors.defects_with_tickets(handover),
        "may_add_defects": may_add_defects(progress),
        "may_qualify": has_role(request.user, *QUALIFIERS),
        "history": selectors.handover_history(handover),
        "forms": {
            "notice": NoticeForm(),
            "defect": DefectForm(),
            "keys": KeysForm(initial={"key_count": 2, "received_by": handover.customer.name}),
            "confirmation": ConfirmationForm(initial={"signed_by": handover.customer.name}),
        },
    }


def _notice(request, handover, data):
    notice_record(handover=handover, acting_user=request.user, **data)
    return _("Notice recorded.")


def _appointment(request, handover, data):
    slot = selectors.slot_of(handover, data["slot"]) if data["slot"] else None
    appointment_book(handover=handover, slot=slot, acting_user=request.user, note=data["note"])
    return _("Appointment booked.") if slot else _("Appointment cancelled.")


def _qualification(request, handover, data):
    qualification_record(handover=handover, acting_user=request.user, **data)
    return _("Move-in qualification confirmed.")


def _inspection(request, handover, data):
    inspection_record(handover=handover, acting_user=request.user, **data)
    return _("Inspection recorded: add the defects found, if any.")


def _defect(request, handover, data):
    inspection = Inspection.objects.filter(pk=data.pop("inspection"), handover=handover).first()
    if inspection is None:
        raise DomainError(_("Record the inspection first."), code="inspection_required")
    inspection.handover = handover
    result = defect_record(
        inspection=inspection, data=DefectInput(**data), acting_user=request.user
    )
    if result.ticket is not None:
        return _("Defect recorded; ticket %(number)s opened.") % {"number": result.ticket.number}
    return _("Defect recorded.")


def _confirmation(request, handover, data):
    confirmation_sign(handover=handover, acting_user=request.user, **data)
    return _("Handover confirmation signed.")


def _keys(request, handover, data):
    result = keys_hand_over(handover=handover, acting_user=request.user, **data)
    if result.visits_refused:
        messages.warning(request, result.visits_refused)
    return _("Keys handed over: the unit is handed over.")


STEPS = {
    "notice": (NoticeForm, _notice),
    "appointment": (AppointmentForm, _appointment),
    "qualification": (QualificationForm, _qualification),
    "inspection": (InspectionForm, _inspection),
    "defect": (DefectForm, _defect),
    "confirmation": (ConfirmationForm, _confirmation),
    "keys": (KeysForm, _keys),
}


@login_required
@require_POST
def handover_step_page(request, pk, step):
    """One step's form: done and said, or refused and said why; back to the handover."""
    if step not in STEPS:
        raise Http404
    handover = _visible_handover(request, pk)
    form_class, take = STEPS[step]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("handover-unit", pk=pk)
    try:
        messages.success(request, take(request, handover, dict(form.cleaned_data)))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("handover-unit", pk=pk)


@login_required
@require_GET
def defect_photo(request, pk):
    defect = or_404(selectors.defect_for, request.user, pk)
    _visible_handover(request, defect.handover_id)
    if not defect.photo:
        raise Http404
    content_type = mimetypes.guess_type(defect.photo.name)[0] or "application/octet-stream"
    response = FileResponse(defect.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- the handover confirmation (交房确认单), printable -------------------------------------------


def _confirmed(request, pk: int) -> UnitHandover:
    handover = _visible_handover(request, pk)
    if getattr(handover, "confirmation", None) is None:
        raise Http404(_("The owner has not signed the confirmation yet."))
    return handover


@login_required
@require_GET
def confirmation_print(request, pk):
    handover = _confirmed(request, pk)
    context = {"doc": selectors.confirmation_document(handover), "screen": True}
    with timezone.override(handover.project.tzinfo):
        return render(request, "handover/print/confirmation.html", context)


@login_required
@require_GET
def confirmation_pdf(request, pk):
    handover = _confirmed(request, pk)
    document = selectors.confirmation_document(handover)
    pdf = render_pdf("handover/print/confirmation.html", {"doc": document})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

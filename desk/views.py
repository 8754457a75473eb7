"""The front desk (UX §1): one phone box, an instant answer, the registration form, the verdict.

Thin views over the selectors and services the API uses too: the lookup and its audit log,
visibility, registration. The partials are swapped in by htmx; every error comes back as a
sentence next to its field, never as an error page.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget
from rest_framework.throttling import ScopedRateThrottle

from attribution.models import Reception
from customers.phones import PhoneError, normalise_phone
from customers.validity import reason_text
from desk import selectors, services
from desk.forms import DeskRegistrationForm
from desk.page_presenters import registration_warnings, verdict_card
from projects.models import Project
from projects.pages import page_project, render_local
from salesoffice.errors import DomainError

PARTIALS = "desk/partials/"


def lookup_allowed(request) -> bool:
    """The page spends the API's lookup budget, so no screen is a way round the rate limit."""
    return ScopedRateThrottle().allow_request(request, SimpleNamespace(throttle_scope="lookup"))


@login_required
@require_GET
def desk(request, code):
    project = page_project(request, code)
    return render_local(request, project, "desk/desk.html", {})


@login_required
@require_GET
def desk_lookup(request, code):
    """The answer to a complete phone number: new (with the form) or returning (with the card)."""
    project = page_project(request, code)
    try:
        phone = normalise_phone(request.GET.get("phone", ""))
    except PhoneError as exc:
        return _message(request, project, reason_text(exc.code))
    if not lookup_allowed(request):
        return _message(request, project, _("Too many lookups in a short time: wait a minute."))
    now = timezone.now()
    result = selectors.lookup_phone_logged(
        project=project, phone=phone, viewer=request.user, at=now
    )
    if result.customer is None:
        form = DeskRegistrationForm(project=project, user=request.user)
        return _form(request, project, form, new_customer=True)
    card = verdict_card(
        customer=result.customer,
        verdict=result.verdict,
        full_view=result.full_view,
        viewer=request.user,
        tz=project.tzinfo,
    )
    return render_local(request, project, PARTIALS + "desk_returning.html", {"card": card})


@login_required
@require_GET
def desk_register_form(request, code):
    """The registration form for a returning customer (the visit is registered all the same)."""
    project = page_project(request, code)
    form = DeskRegistrationForm(project=project, user=request.user)
    return _form(request, project, form, new_customer=False)


@login_required
@require_POST
def desk_register(request, code):
    project = page_project(request, code)
    form = DeskRegistrationForm(request.POST, project=project, user=request.user)
    if not form.is_valid():
        return _form_again(request, project, form)
    try:
        result = services.registration_create(
            project=project,
            data=form.registration_input(occurred_at=visit_time(project, form)),
            acting_user=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _form_again(request, project, form)
    return _saved(request, project, result)


def visit_time(project: Project, form: DeskRegistrationForm):
    """A walk-in received by the rotation began when it was received; otherwise now."""
    reception = form.cleaned_data.get("reception")
    received = (
        Reception.objects.filter(pk=reception, project=project)
        .values_list("received_at", flat=True)
        .first()
        if reception
        else None
    )
    return received or timezone.now()


def _saved(request, project: Project, result: services.RegistrationResult):
    registration = result.registration
    card = None
    if registration.customer_id:
        found = selectors.lookup_phone(
            project=project, phone=registration.phone, viewer=request.user, at=timezone.now()
        )
        card = verdict_card(
            customer=found.customer,
            verdict=found.verdict,
            full_view=found.full_view,
            viewer=request.user,
            tz=project.tzinfo,
        )
    context = {
        "registration": registration,
        "reasons": [reason_text(code) for code in registration.invalid_reasons],
        "warnings": registration_warnings(result.warnings),
        "card": card,
    }
    response = render_local(request, project, PARTIALS + "desk_saved.html", context)
    if registration.reception_id:
        response["HX-Trigger"] = "rotation-changed"  # the bar drops the registered walk-in
    return response


def _form(request, project: Project, form: DeskRegistrationForm, *, new_customer: bool):
    context = {"form": form, "new_customer": new_customer}
    return render_local(request, project, PARTIALS + "desk_form.html", context)


def _form_again(request, project: Project, form: DeskRegistrationForm):
    """Only the form is swapped back, so a returning customer's card above it stays."""
    response = _form(request, project, form, new_customer=request.POST.get("new") == "1")
    return reswap(retarget(response, "#desk-form"), "outerHTML")


def _message(request, project: Project, message: str):
    return render_local(request, project, PARTIALS + "desk_message.html", {"message": message})

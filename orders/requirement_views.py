"""Pages before the contract (seed 000): the requirement confirmation (客户需求确认单) with its
print for the customer to sign and the signature recorded, and the manager's qualification
review (购房资格审核). Thin: the rules are in ``requirements``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders import documents, requirements
from orders.deal_forms import QualificationForm, RequirementForm, domain_error_to_form
from orders.pages import posted, require
from projects.access import has_role
from projects.pages import or_404, render_local
from projects.roles import Role
from salesoffice.errors import DomainError
from salesoffice.fields import mask_id_number

# -- requirement confirmation -------------------------------------------------------------------


def _confirming_consultant(user, verdict):
    """A consultant confirms as themself; the office for the household's owner when it has
    one (the service refuses a clerk without an owner to name)."""
    if has_role(user, Role.CONSULTANT) or not verdict.owner:
        return user
    return get_user_model().objects.filter(username=verdict.owner).first() or user


@login_required
@require_http_methods(["GET", "POST"])
def requirement_new(request, pk):
    customer, verdict = or_404(requirements.visible_customer, request.user, pk)
    require(request.user, *requirements.REQUIREMENT_ROLES)
    form = RequirementForm(posted(request), project=customer.project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            confirmation = requirements.requirement_create(
                customer=customer,
                data=requirements.RequirementInput(
                    consultant=_confirming_consultant(request.user, verdict),
                    budget=data["budget"],
                    layout=data["layout"],
                    area_min=data["area_min"],
                    area_max=data["area_max"],
                    payment_method=data["payment_method"],
                    intended_units=tuple(data["intended_units"]),
                    notes=data["notes"],
                    signed_at=timezone.now() if data["signed"] else None,
                ),
                acting_user=request.user,
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _("Requirement confirmation saved: print it for signing."))
            return redirect("requirement-print", pk=confirmation.pk)
    context = {"customer": customer, "form": form}
    return render_local(request, customer.project, "orders/requirement_new.html", context)


@login_required
@require_GET
def requirement_print(request, pk):
    confirmation = or_404(requirements.confirmation_for, request.user, pk)
    context = {"confirmation": confirmation, "doc": documents.requirement_document(confirmation)}
    return render_local(request, confirmation.project, documents.REQUIREMENT_TEMPLATE, context)


@login_required
@require_POST
def requirement_sign(request, pk):
    confirmation = or_404(requirements.confirmation_for, request.user, pk)
    require(request.user, *requirements.REQUIREMENT_ROLES)
    try:
        requirements.requirement_sign(
            confirmation=confirmation, signed_at=None, acting_user=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The customer's signature is recorded."))
    return redirect("customer", pk=confirmation.customer_id)


# -- qualification review -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def qualification(request, pk):
    customer, _verdict = or_404(requirements.visible_customer, request.user, pk)
    require(request.user, Role.MANAGER)
    form = QualificationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = requirements.qualification_review_create(
                customer=customer,
                data=requirements.ReviewInput(**form.cleaned_data),
                acting_user=request.user,
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Qualification review recorded: passed.")
                if review.passed
                else _("Qualification review recorded: not passed."),
            )
            return redirect("customer", pk=customer.pk)
    context = {
        "customer": customer,
        "form": form,
        "id_number": mask_id_number(customer.id_number),
        "latest": requirements.latest_review(customer),
    }
    return render_local(request, customer.project, "orders/qualification.html", context)

"""Contract pages (seed 000, UX.md §6): the contract form (签约) from a subscription with its
schedule, the contract page (schedule, payments, receipts; the forms the viewer may use, which
answer htmx with the page's body), 退房 from it, and its print and PDF. Thin: the rules are in
``contracts`` and ``finance``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders import contracts, documents, finance
from orders.deal_forms import (
    CancelForm,
    ContractForm,
    InstalmentFormSet,
    PaymentForm,
    RefundForm,
    domain_error_to_form,
    on_day,
    schedule_of,
)
from orders.hooks import payoff_button
from orders.models import Subscription
from orders.pages import posted, readable_contract, require
from projects.access import has_role, projects_of
from projects.pages import render_local
from projects.roles import Role
from salesoffice.errors import DomainError, NotPermitted
from salesoffice.fields import mask_id_number

CONTRACT_BODY = "orders/partials/contract_body.html"

# -- the contract form ----------------------------------------------------------------------


def _subscription(request, pk: int) -> Subscription:
    subscription = (
        Subscription.objects.select_related("project", "unit", "customer", "consultant")
        .filter(pk=pk, project__in=projects_of(request.user))
        .first()
    )
    if subscription is None:
        raise Http404
    try:
        contracts.ensure_may_contract(subscription, request.user)
    except NotPermitted as exc:
        raise PermissionDenied from exc
    return subscription


def _contract_input(subscription, form, formset) -> contracts.ContractInput:
    data = form.cleaned_data
    return contracts.ContractInput(
        subscription=subscription,
        price=data["price"],
        payment_method=data["payment_method"],
        schedule=schedule_of(formset),
        signed_at=on_day(data["signed_on"], subscription.project.tzinfo),
        down_payment=data["down_payment"],
        loan_amount=data["loan_amount"],
        liability_terms=data["liability_terms"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request, pk):
    subscription = _subscription(request, pk)
    project = subscription.project
    today = finance.local_today(project)
    form = ContractForm(
        posted(request),
        initial={"price": subscription.price, "payment_method": "instalment", "signed_on": today},
    )
    formset = InstalmentFormSet(posted(request), prefix="schedule")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            contract = contracts.contract_create(
                data=_contract_input(subscription, form, formset), acting_user=request.user
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(
                request, _("Contract %(number)s signed.") % {"number": contract.number}
            )
            return redirect("contract", pk=contract.pk)
    context = {
        "subscription": subscription,
        "form": form,
        "formset": formset,
        "balance": subscription.price - subscription.deposit,
    }
    return render_local(request, project, "orders/contract_new.html", context)


# -- the contract page ----------------------------------------------------------------------


def contract_context(request, contract, **forms) -> dict:
    """The contract's money and the forms the viewer may use (a bound one keeps its input)."""
    view = finance.contract_view(contract)
    user = request.user
    cashier = has_role(user, Role.FINANCE)
    blank = {"paid_on": view.today}
    return {
        "contract": contract,
        "view": view,
        "customer": contract.subscription.customer,
        "id_number": mask_id_number(contract.subscription.customer.id_number),
        "payment_form": forms.get("payment_form")
        or (PaymentForm(initial=blank) if cashier and view.payable else None),
        "refund_form": forms.get("refund_form")
        or (RefundForm(initial=blank) if cashier and view.received > 0 else None),
        "cancel_form": forms.get("cancel_form")
        or (CancelForm() if has_role(user, Role.MANAGER) and not view.cancelled else None),
        "notice": forms.get("notice", ""),
        "receipt": forms.get("receipt", ""),
        "payoff_template": button.template if (button := payoff_button()) else None,
    }


def contract_answer(request, contract, **forms):
    """htmx swaps the contract's body; a plain post gets the whole page back."""
    template = CONTRACT_BODY if request.htmx else "orders/contract.html"
    return render_local(
        request, contract.project, template, contract_context(request, contract, **forms)
    )


def contract_done(request, contract, notice: str, receipt: str = ""):
    """The contract again with what was done; a receipt number is shown on its own."""
    if not request.htmx:
        messages.success(request, f"{notice} {receipt}".strip())
        return redirect("contract", pk=contract.pk)
    return contract_answer(
        request, readable_contract(request, contract.pk), notice=notice, receipt=receipt
    )


@login_required
@require_GET
def contract_page(request, pk):
    contract = readable_contract(request, pk)
    return render_local(
        request, contract.project, "orders/contract.html", contract_context(request, contract)
    )


@login_required
@require_POST
def contract_cancel(request, pk):
    contract = readable_contract(request, pk)
    require(request.user, Role.MANAGER)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return contract_answer(request, contract, cancel_form=form)
    try:
        contracts.contract_cancel(
            contract=contract, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except DomainError as exc:
        domain_error_to_form(form, exc)
        return contract_answer(request, contract, cancel_form=form)
    return contract_done(request, contract, _("Contract cancelled: the unit is available again."))


@login_required
@require_GET
def contract_print(request, pk):
    """The contract to read or print from the browser; the ID-card number masked."""
    contract = readable_contract(request, pk)
    context = {"doc": documents.contract_document(contract, full_id=False), "pdf": False}
    return render_local(request, contract.project, documents.CONTRACT_TEMPLATE, context)


@login_required
@require_GET
def contract_pdf(request, pk):
    return documents.contract_pdf_response(readable_contract(request, pk))

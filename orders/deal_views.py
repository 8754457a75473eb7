"""Pages from requirements to the last payment (seed 000, UX.md §6): the requirement
confirmation and its print, the manager's qualification review, the contract form, the
contract page (schedule, payments, receipts; finance records money there with htmx), its
print and PDF, and the finance desk. Thin: the rules are in the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from orders import contracts, deposits, documents, finance, payments, requirements, selectors
from orders.deal_forms import (
    CancelForm,
    ContractForm,
    DepositForm,
    InstalmentFormSet,
    PaymentForm,
    QualificationForm,
    RefundForm,
    RequirementForm,
    domain_error_to_form,
    on_day,
    schedule_of,
)
from orders.hooks import payoff_button
from orders.models import PaymentKind, RequirementConfirmation, Subscription
from projects.access import has_role, projects_of
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound, NotPermitted
from salesoffice.fields import mask_id_number

PAGE_SIZE = 50
CONTRACT_BODY = "orders/partials/contract_body.html"


def _customer(request, pk: int):
    try:
        return requirements.visible_customer(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _contract(request, pk: int):
    try:
        return finance.contract_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _posted(request):
    """The form's data on a POST (even an all-empty one), None on a GET."""
    return request.POST if request.method == "POST" else None


def _require(user, *roles: str) -> None:
    if not (user.is_superuser or has_role(user, *roles)):
        raise PermissionDenied


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
    customer, verdict = _customer(request, pk)
    _require(request.user, *requirements.REQUIREMENT_ROLES)
    form = RequirementForm(_posted(request), project=customer.project)
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


def _confirmation(request, pk: int) -> RequirementConfirmation:
    confirmation = (
        RequirementConfirmation.objects.select_related("project", "customer", "consultant")
        .filter(pk=pk, project__in=projects_of(request.user))
        .first()
    )
    if confirmation is None:
        raise Http404
    _customer(request, confirmation.customer_id)
    return confirmation


@login_required
@require_GET
def requirement_print(request, pk):
    confirmation = _confirmation(request, pk)
    context = {"confirmation": confirmation, "doc": documents.requirement_document(confirmation)}
    return render_local(request, confirmation.project, documents.REQUIREMENT_TEMPLATE, context)


@login_required
@require_POST
def requirement_sign(request, pk):
    confirmation = _confirmation(request, pk)
    _require(request.user, *requirements.REQUIREMENT_ROLES)
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
    customer, _verdict = _customer(request, pk)
    _require(request.user, Role.MANAGER)
    form = QualificationForm(_posted(request))
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
        _posted(request),
        initial={"price": subscription.price, "payment_method": "instalment", "signed_on": today},
    )
    formset = InstalmentFormSet(_posted(request), prefix="schedule")
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


def _contract_answer(request, contract, **forms):
    """htmx swaps the contract's body; a plain post gets the whole page back."""
    template = CONTRACT_BODY if request.htmx else "orders/contract.html"
    return render_local(
        request, contract.project, template, contract_context(request, contract, **forms)
    )


def _done(request, contract, notice: str, receipt: str = ""):
    """The contract again with what was done; a receipt number is shown on its own."""
    if not request.htmx:
        messages.success(request, f"{notice} {receipt}".strip())
        return redirect("contract", pk=contract.pk)
    return _contract_answer(
        request, _contract(request, contract.pk), notice=notice, receipt=receipt
    )


@login_required
@require_GET
def contract_page(request, pk):
    contract = _contract(request, pk)
    return render_local(
        request, contract.project, "orders/contract.html", contract_context(request, contract)
    )


def _movement(request, pk: int, form_class, kind: str):
    """A payment or a refund from the contract page (finance only)."""
    contract = _contract(request, pk)
    _require(request.user, Role.FINANCE)
    form_key = "refund_form" if kind == PaymentKind.REFUND else "payment_form"
    form = form_class(request.POST)
    if not form.is_valid():
        return _contract_answer(request, contract, **{form_key: form})
    data = form.cleaned_data
    try:
        result = payments.payment_record(
            data=payments.PaymentInput(
                contract=contract,
                amount=data["amount"],
                paid_at=on_day(data["paid_on"], contract.project.tzinfo),
                method=data["method"],
                kind=kind,
                receipt_no=data["receipt_no"],
                invoice_no=data.get("invoice_no", ""),
                note=data["note"],
            ),
            acting_user=request.user,
        )
    except DomainError as exc:
        domain_error_to_form(form, exc)
        return _contract_answer(request, contract, **{form_key: form})
    if kind == PaymentKind.REFUND:
        notice = _("Refund recorded. Receipt number:")
    else:
        notice = _("Payment recorded. Receipt number:")
    return _done(request, contract, notice, result.payment.receipt_no)


@login_required
@require_POST
def contract_payment(request, pk):
    return _movement(request, pk, PaymentForm, PaymentKind.PAYMENT)


@login_required
@require_POST
def contract_refund(request, pk):
    return _movement(request, pk, RefundForm, PaymentKind.REFUND)


@login_required
@require_POST
def contract_cancel(request, pk):
    contract = _contract(request, pk)
    _require(request.user, Role.MANAGER)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _contract_answer(request, contract, cancel_form=form)
    try:
        contracts.contract_cancel(
            contract=contract, reason=form.cleaned_data["reason"], acting_user=request.user
        )
    except DomainError as exc:
        domain_error_to_form(form, exc)
        return _contract_answer(request, contract, cancel_form=form)
    return _done(request, contract, _("Contract cancelled: the unit is available again."))


@login_required
@require_GET
def contract_print(request, pk):
    """The contract to read or print from the browser; the ID-card number masked."""
    contract = _contract(request, pk)
    context = {"doc": documents.contract_document(contract, full_id=False), "pdf": False}
    return render_local(request, contract.project, documents.CONTRACT_TEMPLATE, context)


@login_required
@require_GET
def contract_pdf(request, pk):
    return documents.contract_pdf_response(_contract(request, pk))


# -- the finance desk ---------------------------------------------------------------------------


@login_required
@require_GET
def finance_desk(request, code):
    """Contracts still owed, overdue ones first (UX.md §6); deposits of cancelled
    subscriptions waiting for finance's decision above them."""
    project = page_project(request, code, finance.DESK_ROLES)
    return _finance_desk(request, project)


def _finance_desk(request, project, deposit_form=None, status=200):
    show = request.GET.get("show", "outstanding")
    if show not in finance.SHOW_CHOICES:
        show = "outstanding"
    today = finance.local_today(project)
    contracts_found = finance.desk_contracts(project, today=today, show=show)
    payoff = payoff_button()
    if payoff:
        contracts_found = payoff.annotate(contracts_found)
    page = Paginator(contracts_found, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = list(deposits.deposits_waiting(project)[: PAGE_SIZE + 1])
    context = {
        "page": page,
        "rows": finance.desk_rows(page.object_list, today),
        "show": show,
        "today": today,
        "payoff_template": payoff.template if payoff else None,
        "deposits": [(s, _deposit_form_for(s, today, deposit_form)) for s in waiting[:PAGE_SIZE]],
        "more_deposits": len(waiting) > PAGE_SIZE,
        "may_settle": has_role(request.user, Role.FINANCE),
    }
    return render_local(request, project, "orders/finance.html", context, status=status)


def _deposit_form_for(subscription, today, bound=None) -> DepositForm:
    if bound is not None and bound.prefix == _deposit_prefix(subscription.pk):
        return bound
    initial = {"amount": subscription.deposit, "paid_on": today}
    return DepositForm(prefix=_deposit_prefix(subscription.pk), initial=initial)


def _deposit_prefix(pk: int) -> str:
    return f"deposit-{pk}"


@login_required
@require_POST
def deposit_settle(request, pk):
    """Finance refunds or keeps a cancelled subscription's deposit, from the finance desk."""
    try:
        subscription = selectors.subscription_for(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    _require(request.user, Role.FINANCE)
    project = subscription.project
    form = DepositForm(request.POST, prefix=_deposit_prefix(pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            settlement = deposits.deposit_settle(
                data=deposits.DepositInput(
                    subscription=subscription,
                    outcome=data["outcome"],
                    amount=data["amount"] or deposits.ZERO,
                    paid_at=on_day(data["paid_on"], project.tzinfo) if data["paid_on"] else None,
                    method=data["method"],
                    note=data["note"],
                ),
                acting_user=request.user,
            )
        except DomainError as exc:
            domain_error_to_form(form, exc)
        else:
            messages.success(request, _settled_notice(settlement))
            return redirect("finance", code=project.code)
    return _finance_desk(request, project, deposit_form=form, status=400)


def _settled_notice(settlement) -> str:
    if settlement.receipt_no:
        return _("Deposit refunded. Receipt number: %(receipt)s") % {
            "receipt": settlement.receipt_no
        }
    return _("Deposit kept; the reason is recorded.")

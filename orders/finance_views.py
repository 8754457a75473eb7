"""Finance's pages (seed 000, UX.md §6): a payment or a refund recorded on the contract page
(htmx swaps the page's body), and the finance desk: contracts still owed, overdue ones first,
and the deposits of cancelled subscriptions, refunded or kept from it. Thin: the rules are in
``payments``, ``deposits`` and ``finance``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orders import deposits, finance, payments, selectors
from orders.contract_views import contract_answer, contract_done
from orders.deal_forms import DepositForm, PaymentForm, RefundForm, domain_error_to_form, on_day
from orders.hooks import payoff_button
from orders.models import PaymentKind
from orders.pages import readable_contract, require
from projects.access import has_role
from projects.pages import or_404, page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError

PAGE_SIZE = 50

# -- payments and refunds on the contract page ------------------------------------------------


def _movement(request, pk: int, form_class, kind: str):
    """A payment or a refund from the contract page (finance only)."""
    contract = readable_contract(request, pk)
    require(request.user, Role.FINANCE)
    form_key = "refund_form" if kind == PaymentKind.REFUND else "payment_form"
    form = form_class(request.POST)
    if not form.is_valid():
        return contract_answer(request, contract, **{form_key: form})
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
        return contract_answer(request, contract, **{form_key: form})
    if kind == PaymentKind.REFUND:
        notice = _("Refund recorded. Receipt number:")
    else:
        notice = _("Payment recorded. Receipt number:")
    return contract_done(request, contract, notice, result.payment.receipt_no)


@login_required
@require_POST
def contract_payment(request, pk):
    return _movement(request, pk, PaymentForm, PaymentKind.PAYMENT)


@login_required
@require_POST
def contract_refund(request, pk):
    return _movement(request, pk, RefundForm, PaymentKind.REFUND)


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
    subscription = or_404(selectors.subscription_for, request.user, pk)
    require(request.user, Role.FINANCE)
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

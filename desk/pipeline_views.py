"""The customer page's stage control: a move by hand, the page's body swapped in place."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attribution.visibility import visible_customer
from customers.models import Stage
from desk.customer_views import BODY, customer_context
from desk.pipeline import stage_label, stage_move
from projects.pages import render_local
from salesoffice.errors import DomainError


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices)
    reason = forms.CharField(required=False, max_length=500, label=gettext_lazy("Reason"))


def _move(request, customer) -> tuple[str, str]:
    """(notice, error) of one move: the service decides, the page only reports."""
    form = StageForm(request.POST)
    if not form.is_valid():
        return "", _("Choose one of the stages shown.")
    try:
        stage_move(
            customer=customer,
            to_stage=form.cleaned_data["to_stage"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
    except DomainError as exc:
        return "", exc.detail
    return _("Stage changed to %(stage)s.") % {"stage": stage_label(customer.stage)}, ""


@login_required
@require_POST
def customer_stage(request, pk):
    customer, _verdict = visible_customer(request, pk)
    notice, error = _move(request, customer)
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if error else messages.SUCCESS, error or notice
        )
        return redirect("customer", pk=customer.pk)
    customer, verdict = visible_customer(request, pk)
    context = customer_context(request, customer, verdict)
    context.update(stage_notice=notice, stage_error=error)
    return render_local(request, customer.project, BODY, context)

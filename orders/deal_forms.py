"""What people type on the deal pages: checked for shape here (a number is a number, a date
is a date); for meaning by the services (the schedule's sum, the outstanding amount). A form
refused by either comes back with everything typed still in it."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import DepositOutcome, PaymentMethod, Unit
from orders.payments import METHODS
from orders.terms import Instalment

AMOUNT_ERRORS = {"invalid": _("An amount in yuan, e.g. 1200.00.")}
DATE_ERRORS = {"invalid": _("A date, e.g. 2026-03-20.")}
METHOD_LABELS = {
    "transfer": _("Bank transfer"),
    "pos": _("Card (POS)"),
    "cash": _("Cash"),
    "cheque": _("Cheque"),
    "loan": _("Bank loan disbursement"),
}


def date_input() -> forms.DateInput:
    """ISO always: a date input shows nothing for the Chinese "2026/03/02" format."""
    return forms.DateInput({"type": "date"}, format="%Y-%m-%d")


def money_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )


def area_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages=AMOUNT_ERRORS,
        widget=forms.TextInput({"inputmode": "decimal"}),
    )


def on_day(day: date, tz) -> datetime:
    """A day typed on a form as a moment: now when it is today, else its first local second
    (finance books by day; the time is only for ordering within it)."""
    now = timezone.now()
    if day == timezone.localdate(now, timezone=tz):
        return now
    return datetime.combine(day, time.min, tzinfo=tz)


class RequirementForm(forms.Form):
    budget = money_field(_("Budget (yuan)"), required=False)
    layout = forms.CharField(label=_("Layout"), max_length=40, required=False)
    area_min = area_field(_("Area from (m²)"))
    area_max = area_field(_("Area to (m²)"))
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[("", _("Not decided")), *PaymentMethod.choices],
        required=False,
    )
    intended_units = forms.ModelMultipleChoiceField(
        label=_("Intended units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple({"size": 6}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))
    signed = forms.BooleanField(label=_("The customer has signed the printed form"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intended_units"].queryset = Unit.objects.filter(project=project).order_by(
            "building", "unit", "floor", "room"
        )


class QualificationForm(forms.Form):
    id_checked = forms.BooleanField(label=_("ID card checked against the buyer"), required=False)
    eligible = forms.BooleanField(
        label=_("Eligible to buy (purchase restrictions)"), required=False
    )
    funds_proof = forms.BooleanField(label=_("Proof of funds seen"), required=False)
    id_number = forms.CharField(label=_("ID-card number"), max_length=32, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class ContractForm(forms.Form):
    price = money_field(_("Contract price (yuan)"))
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    down_payment = money_field(_("Down payment (yuan)"), required=False)
    loan_amount = money_field(_("Loan (yuan)"), required=False)
    liability_terms = forms.CharField(
        label=_("Liability terms"), required=False, widget=forms.Textarea({"rows": 3})
    )
    signed_on = forms.DateField(
        label=_("Signed on"), error_messages=DATE_ERRORS, widget=date_input()
    )


class InstalmentForm(forms.Form):
    due = forms.DateField(
        label=_("Due"),
        required=False,
        error_messages=DATE_ERRORS,
        widget=date_input(),
    )
    amount = money_field(_("Amount (yuan)"), required=False)
    label = forms.CharField(label=_("What for"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("due")) != bool(data.get("amount")) and not self.errors:
            raise forms.ValidationError(_("Give both the due date and the amount, or neither."))
        return data


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=6, max_num=24)


def schedule_of(formset) -> tuple[Instalment, ...]:
    """The filled rows, in the order typed; empty rows are skipped."""
    return tuple(
        Instalment(due=row["due"], amount=row["amount"], label=row.get("label", ""))
        for row in (form.cleaned_data for form in formset.forms)
        if row.get("due") and row.get("amount")
    )


class PaymentForm(forms.Form):
    amount = money_field(_("Amount (yuan)"))
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, METHOD_LABELS[m]) for m in METHODS], initial="transfer"
    )
    paid_on = forms.DateField(label=_("Paid on"), error_messages=DATE_ERRORS, widget=date_input())
    receipt_no = forms.CharField(
        label=_("Receipt number (leave empty for the next one)"), max_length=40, required=False
    )
    invoice_no = forms.CharField(label=_("Invoice number"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), required=False)


class RefundForm(forms.Form):
    amount = money_field(_("Amount refunded (yuan)"))
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, METHOD_LABELS[m]) for m in METHODS], initial="transfer"
    )
    paid_on = forms.DateField(
        label=_("Refunded on"), error_messages=DATE_ERRORS, widget=date_input()
    )
    receipt_no = forms.CharField(
        label=_("Receipt number (leave empty for the next one)"), max_length=40, required=False
    )
    note = forms.CharField(label=_("Reason"), required=False)


class DepositForm(forms.Form):
    """退订: a cancelled subscription's deposit, refunded (the amount, how, when) or kept."""

    outcome = forms.ChoiceField(
        label=_("The deposit is"),
        choices=DepositOutcome.choices,
        initial=DepositOutcome.REFUNDED,
        widget=forms.RadioSelect,
    )
    amount = money_field(_("Amount refunded (yuan)"), required=False)
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, METHOD_LABELS[m]) for m in METHODS], initial="transfer"
    )
    paid_on = forms.DateField(
        label=_("Refunded on"), required=False, error_messages=DATE_ERRORS, widget=date_input()
    )
    note = forms.CharField(label=_("Reason"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the contract is cancelled"),
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("Give the reason for the cancellation.")},
    )


def domain_error_to_form(form: forms.Form, exc) -> None:
    """A service's refusal as the form's sentence, and on the fields it names."""
    form.add_error(None, exc.detail)
    for field, messages in (exc.fields or {}).items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, messages[0])

"""The pages' forms: they parse what was typed; the rules are the services'."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.models import Category
from handover.models import Document, NoticeChannel, Severity, default_documents


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class BatchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    building = forms.ChoiceField(label=_("Building"), choices=(), required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents to bring"),
        choices=Document.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=default_documents,
        required=False,
    )
    notice = forms.CharField(label=_("Notice"), widget=forms.Textarea, required=False)

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [(b, b) for b in buildings]


class SlotForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("Units"), min_value=1, max_value=500)

    def window(self, tz) -> tuple[datetime, datetime]:
        """The window in the project's time zone (stored in UTC)."""
        day = self.cleaned_data["day"]
        return (
            datetime.combine(day, self.cleaned_data["starts"], tzinfo=tz),
            datetime.combine(day, self.cleaned_data["ends"], tzinfo=tz),
        )


class NoticeForm(forms.Form):
    channel = forms.ChoiceField(label=_("How"), choices=NoticeChannel.choices)
    note = forms.CharField(label=_("Note"), required=False)


class AppointmentForm(forms.Form):
    slot = forms.IntegerField(label=_("Window"), required=False)
    note = forms.CharField(label=_("Note"), required=False)


class QualificationForm(forms.Form):
    id_checked = forms.BooleanField(label=_("ID card checked"), required=False)
    contract_checked = forms.BooleanField(label=_("Contract checked"), required=False)
    note = forms.CharField(label=_("Note"), required=False)


class InspectionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False)


class DefectForm(forms.Form):
    inspection = forms.IntegerField(widget=forms.HiddenInput)
    location = forms.CharField(label=_("Where"), max_length=100, required=False)
    description = forms.CharField(label=_("Defect"), max_length=2000, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    photo = forms.FileField(label=_("Photo"), required=False)
    ticket_category = forms.ChoiceField(
        label=_("Open an after-sales ticket"),
        choices=[("", _("No ticket")), *Category.choices],
        required=False,
    )


class ConfirmationForm(forms.Form):
    signed_by = forms.CharField(label=_("Signed by"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False)


class KeysForm(forms.Form):
    key_count = forms.IntegerField(label=_("Number of keys"), min_value=1, max_value=50)
    received_by = forms.CharField(label=_("Received by"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False)

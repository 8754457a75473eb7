"""What a consultant types to open or appeal a dispute; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DisputeOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this customer yours?"),
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("Say why you dispute it.")},
    )
    evidence = forms.CharField(label=_("Evidence notes"), required=False)


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the ruling is wrong"),
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("Give the reason.")},
    )

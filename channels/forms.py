"""The agent's report form: what the agent types, as typed. The rules (the visible digits, the
name, earliest report wins) are the service's, so the page and the API refuse the same way."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Gender
from salesoffice.forms import plain_input

GENDERS = [(value, label) for value, label in Gender.choices if value]


class ChannelReportForm(forms.Form):
    # Not required here: a blank name is stored as a refused report by the service.
    name = forms.CharField(
        label=_("Customer name"), max_length=100, required=False, widget=plain_input()
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=GENDERS, required=False, widget=forms.RadioSelect
    )
    phone_visible = forms.CharField(label=_("Visible phone"), max_length=32, required=False)

    def __init__(self, *args, pattern: str, digits: tuple[int, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first, last = digits
        self.fields["phone_visible"].widget = plain_input(placeholder=pattern, spellcheck="false")
        self.fields["phone_visible"].help_text = _(
            "The first %(first)s and the last %(last)s digits, the rest as *: %(pattern)s"
        ) % {"first": first, "last": last, "pattern": pattern}

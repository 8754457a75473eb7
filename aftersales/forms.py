"""What people type on the after-sales pages: checked for shape here (a number is a number),
for meaning by the services (a deadline not in the past, a rating from 1 to 5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales import flow
from aftersales.models import MOVE_LABELS, Category, Origin, VisitOutcome
from aftersales.services import MoveInput

NOTE_LABELS = {
    "propose": _("Solution"),
    "decline": _("Why the cost is declined"),
    "feedback": _("What the owner was told"),
    "reopen": _("Why it is reopened"),
}
RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class TicketForm(forms.Form):
    title = forms.CharField(
        label=_("What the owner raised"),
        max_length=200,
        error_messages={"required": _("Say in one line what the owner raised.")},
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea({"rows": 3})
    )
    origin = forms.ChoiceField(label=_("Origin"), choices=Origin.choices, initial=Origin.QUESTION)
    category = forms.ChoiceField(
        label=_("Department"),
        choices=[("", _("Let a manager decide")), *Category.choices],
        required=False,
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("No particular unit")


class MoveForm(forms.Form):
    """One form for every move; each move's panel shows only the fields it takes."""

    action = forms.CharField()
    note = forms.CharField(required=False)
    amount = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": _("An amount in yuan, e.g. 1200.00.")},
    )
    deadline = forms.DateField(
        required=False, error_messages={"invalid": _("A date, e.g. 2026-03-20.")}
    )
    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, required=False, empty_value=None
    )
    category = forms.ChoiceField(choices=[("", ""), *Category.choices], required=False)

    def move(self) -> MoveInput:
        return MoveInput(**self.cleaned_data)


def move_panels(actions) -> list[dict]:
    """What the ticket page offers the viewer: per move, its label and the fields it takes."""
    return [
        {
            "action": action,
            "label": MOVE_LABELS[action],
            "note_label": NOTE_LABELS.get(action, _("Note")),
            "takes": flow.ACCEPTS[action],
            "needs": flow.MOVES[action].needs,
        }
        for action in actions
    ]


class VisitOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=VisitOutcome.choices)
    note = forms.CharField(required=False, max_length=2000)
    category = forms.ChoiceField(choices=[("", ""), *Category.choices], required=False)

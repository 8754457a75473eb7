"""The front desk's forms: what a person types, checked in plain words before the ledger sees it.

The rules of validity live in ``customers.validity`` and the services; these forms only catch
what the person at the desk can fix on the spot (a missing name, a mistyped phone).
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import FollowUpChannel, Gender, Kind, Relation
from customers.phones import PhoneError, normalise_phone
from customers.validity import name_defect, reason_text
from desk.services import RegistrationInput
from projects.access import display_name, has_role, receiving_staff
from projects.roles import Role
from salesoffice.forms import TelInput, plain_input

FIRST_VISIT_CHOICES = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]
FIRST_VISIT_VALUES = {"": None, "yes": True, "no": False}


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by username, as the API names them, shown by their name."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, to_field_name="username", **kwargs)

    def label_from_instance(self, obj):
        return display_name(obj)


def chooses_consultant(user) -> bool:
    """Clerks and managers register for someone; a consultant always as themself."""
    return has_role(user, Role.CLERK, Role.MANAGER)


def clean_phone_value(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return normalise_phone(raw)
    except PhoneError as exc:
        raise forms.ValidationError(reason_text(exc.code), code=exc.code) from exc


class DeskRegistrationForm(forms.Form):
    """A visit or call, in the order of the paper sheet (the tab order follows it)."""

    consultant = StaffChoiceField(label=_("Receiving consultant"), empty_label=_("Choose…"))
    phone = forms.CharField(label=_("Mobile"), max_length=32, widget=TelInput)
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, widget=plain_input(enterkeyhint="done")
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[(Gender.MALE, Gender.MALE.label), (Gender.FEMALE, Gender.FEMALE.label)],
        required=False,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Visit or call"), choices=Kind.choices, initial=Kind.VISIT, widget=forms.RadioSelect
    )
    first_visit = forms.ChoiceField(
        label=_("First visit?"),
        choices=FIRST_VISIT_CHOICES,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    mentioned_consultant = StaffChoiceField(
        label=_("Asked for consultant"), required=False, empty_label=_("Nobody")
    )
    referrer_phone = forms.CharField(
        label=_("Referred by (phone)"), max_length=32, required=False, widget=TelInput
    )
    referrer_present = forms.BooleanField(label=_("Referrer came along"), required=False)
    relation_phone = forms.CharField(
        label=_("Relative of a customer (phone)"), max_length=32, required=False, widget=TelInput
    )
    relation_kind = forms.ChoiceField(
        label=_("Relation"), choices=[("", "—"), *Relation.choices], required=False
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        widget=plain_input(placeholder=_("Passing by, a friend, online…")),
    )
    budget = forms.CharField(
        label=_("Budget"),
        max_length=50,
        required=False,
        widget=plain_input(placeholder=_("e.g. ¥1,500,000")),
    )
    layout = forms.CharField(
        label=_("Layout"),
        max_length=50,
        required=False,
        widget=plain_input(placeholder=_("e.g. 3 bedrooms, 2 living rooms")),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=plain_input())

    # The rotation's walk-in this registration completes (set by the desk from the bar).
    reception = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        staff = receiving_staff(project).order_by("first_name", "username")
        self.fields["mentioned_consultant"].queryset = staff
        if chooses_consultant(user):
            self.fields["consultant"].queryset = staff
            if has_role(user, Role.MANAGER):
                self.fields["consultant"].initial = user.username
        else:
            del self.fields["consultant"]
        self.user = user

    def clean_phone(self) -> str:
        phone = clean_phone_value(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(reason_text("phone_missing"), code="phone_missing")
        return phone

    def clean_referrer_phone(self) -> str:
        return clean_phone_value(self.cleaned_data["referrer_phone"])

    def clean_relation_phone(self) -> str:
        return clean_phone_value(self.cleaned_data["relation_phone"])

    def clean(self):
        data = super().clean()
        # The customer is standing at the desk: ask now rather than store an invalid visit.
        defect = name_defect(data.get("name", ""), data.get("gender", ""))
        if defect:
            self.add_error("name", reason_text(defect))
        if data.get("relation_phone") and not data.get("relation_kind"):
            self.add_error("relation_kind", _("Choose how they are related."))
        if (
            data.get("relation_kind")
            and not data.get("relation_phone")
            and "relation_phone" in data
        ):
            self.add_error("relation_phone", _("Enter the relative's phone."))
        return data

    def registration_input(self, *, occurred_at: datetime) -> RegistrationInput:
        data = self.cleaned_data
        intent = {key: data[key].strip() for key in ("budget", "layout") if data[key].strip()}
        return RegistrationInput(
            kind=data["kind"],
            occurred_at=occurred_at,
            consultant=data.get("consultant") or self.user,
            name=data["name"],
            gender=data["gender"],
            phone=data["phone"],
            first_visit=FIRST_VISIT_VALUES[data["first_visit"]],
            mentioned_consultant=data["mentioned_consultant"],
            referrer_phone=data["referrer_phone"],
            referrer_present=data["referrer_present"] and bool(data["referrer_phone"]),
            relation_phone=data["relation_phone"],
            relation_kind=data["relation_kind"] if data["relation_phone"] else "",
            source=data["source"].strip(),
            note=data["note"].strip(),
            intent=intent,
            reception=data.get("reception"),
        )


class FollowUpForm(forms.Form):
    """跟进: one line and the channel; clerks and managers say whose contact it was."""

    consultant = StaffChoiceField(label=_("Consultant"), empty_label=None)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=FollowUpChannel.choices,
        initial=FollowUpChannel.PHONE,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What happened"), max_length=500, widget=plain_input())

    def __init__(self, *args, project, user, owner_username: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if chooses_consultant(user):
            self.fields["consultant"].queryset = receiving_staff(project).order_by(
                "first_name", "username"
            )
            self.fields["consultant"].initial = owner_username
        else:
            del self.fields["consultant"]
        self.user = user

    def acting_consultant(self):
        return self.cleaned_data.get("consultant") or self.user

"""Admin screens for attribution: policy versions set with a form that explains each parameter."""

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from attribution.models import (
    Assignment,
    HouseholdState,
    PendingClaim,
    PendingClaimDecision,
    PolicyVersion,
    Reception,
    RosterEntry,
)
from attribution.policy import (
    PARAMETER_HELP,
    PARAMETER_NAMES,
    PRESETS,
    Policy,
    PolicyError,
    build_policy,
)
from attribution.services import policy_version_create
from customers.admin_ledger import LedgerAdmin
from projects.models import Project

BLANK = [("", _("— keep the value in force —"))]
DEFAULTS = Policy()


def parameter_field(name: str) -> forms.Field:
    """A field per parameter, empty meaning 'keep what is in force now'."""
    default = getattr(DEFAULTS, name)
    help_text = f"{PARAMETER_HELP.get(name, '')} ({_('default')}: {json.dumps(default)})"
    if isinstance(default, bool):
        return forms.TypedChoiceField(
            choices=[*BLANK, ("true", _("yes")), ("false", _("no"))],
            required=False,
            coerce=lambda v: v == "true",
            empty_value=None,
            help_text=help_text,
        )
    if name == "same_day_collision":
        return forms.ChoiceField(
            choices=[*BLANK, ("first", "first"), ("manager", "manager")],
            required=False,
            help_text=help_text,
        )
    if isinstance(default, int) or name in ("claim_quota", "pool_daily_take_limit"):
        return forms.CharField(required=False, help_text=help_text + " " + _("'none' for no limit"))
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text + " " + _("(JSON)"),
    )


class PolicyVersionBaseForm(forms.ModelForm):
    preset = forms.ChoiceField(choices=[*BLANK, *((p, p) for p in PRESETS)], required=False)

    class Meta:
        model = PolicyVersion
        fields = ["project", "effective_at", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_at"].required = False

    def clean(self):
        cleaned = super().clean()
        try:
            build_policy(preset=cleaned.get("preset") or None, overrides=self.overrides())
        except PolicyError as exc:
            for name, message in exc.fields.items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def overrides(self) -> dict:
        values = {}
        for name in PARAMETER_NAMES:
            raw = self.cleaned_data.get(name)
            if raw in (None, ""):
                continue
            values[name] = raw if not isinstance(raw, str) else self._parse(name, raw)
        return values

    def _parse(self, name: str, raw: str):
        if raw.strip().lower() == "none":
            return None
        if raw.strip().lstrip("-").isdigit():
            return int(raw)
        try:
            return json.loads(raw)
        except ValueError:
            return raw.strip()


# Declared (not added in __init__) so that the admin's fieldsets may name them.
PolicyVersionForm = type(
    "PolicyVersionForm",
    (PolicyVersionBaseForm,),
    {name: parameter_field(name) for name in PARAMETER_NAMES},
)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(LedgerAdmin):
    list_display = ("project", "number", "preset", "effective_at", "entered_at", "entered_by")
    list_filter = ("project",)
    form = PolicyVersionForm

    def has_add_permission(self, request):
        return request.user.is_superuser or request.user.groups.filter(name="manager").exists()

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "project",
                            "number",
                            "preset",
                            "effective_at",
                            "params",
                            "note",
                            "entered_at",
                            "entered_by",
                        ]
                    },
                )
            ]
        return [
            (None, {"fields": ["project", "preset", "effective_at", "note"]}),
            (_("Parameters (empty: keep the value in force)"), {"fields": list(PARAMETER_NAMES)}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [
                "project",
                "number",
                "preset",
                "effective_at",
                "params",
                "note",
                "entered_at",
                "entered_by",
            ]
        return []

    def save_model(self, request, obj, form, change):
        """Versions are created by the service (it numbers them), never saved from the form;
        the form's clean() has already run the same validation."""
        version = policy_version_create(
            project=form.cleaned_data["project"],
            preset=form.cleaned_data["preset"] or None,
            overrides=form.overrides(),
            effective_at=form.cleaned_data.get("effective_at"),
            acting_user=request.user,
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = version.pk
        obj._state.adding = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project" and not request.user.is_superuser:
            kwargs["queryset"] = Project.objects.filter(memberships__user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PendingClaim)
class PendingClaimAdmin(LedgerAdmin):
    list_display = ("household", "consultant", "entered_at", "evidence")
    list_select_related = ("consultant",)


@admin.register(PendingClaimDecision)
class PendingClaimDecisionAdmin(LedgerAdmin):
    list_display = ("claim", "approve", "reason", "entered_by", "entered_at")


@admin.register(Assignment)
class AssignmentAdmin(LedgerAdmin):
    list_display = ("household", "rule", "consultant", "effective_at", "entered_by", "reason")
    list_filter = ("project", "rule")
    list_select_related = ("consultant", "entered_by")


@admin.register(HouseholdState)
class HouseholdStateAdmin(admin.ModelAdmin):
    list_display = ("household", "project", "status", "owner", "expires_at", "computed_at")
    list_filter = ("project", "status")
    list_select_related = ("owner", "project")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "project", "position", "consultant", "state", "received")
    list_filter = ("project", "date")


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ("received_at", "project", "consultant", "register_by", "flagged_at")
    list_filter = ("project",)

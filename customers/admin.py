from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from customers.admin_ledger import LedgerAdmin
from customers.models import (
    Correction,
    Customer,
    FollowUp,
    Household,
    HouseholdLink,
    ImportBatch,
    LookupLog,
    Registration,
    StageChange,
    TamperAttempt,
)
from salesoffice.fields import mask_id_number


class MaskedIdNumberHistory(HistoricalRecordContextHelper):
    """The history's list of changes shows the ID-card number masked, as everywhere else."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "id_number":
            return mask_id_number(value or "")
        return super().prepare_delta_change_value(change, value)


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "phone", "project", "household", "stage", "created_at")
    list_filter = ("project", "stage")
    search_fields = ("name", "phone")
    list_select_related = ("project", "household")
    raw_id_fields = ("household",)
    # The stage moves only through desk.pipeline, which keeps its history; the ID number
    # is shown masked here too (DOMAIN.md §11).
    readonly_fields = ("phone", "project", "origin_household", "stage", "id_number_masked")
    exclude = ("id_number",)

    @admin.display(description=_("ID-card number"))
    def id_number_masked(self, customer):
        return mask_id_number(customer.id_number)

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedIdNumberHistory(self.model, historical_record)


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("id", "project", "company_name", "merged_into", "created_at")
    list_filter = ("project",)
    raw_id_fields = ("merged_into",)


@admin.register(Registration)
class RegistrationAdmin(LedgerAdmin):
    list_display = ("occurred_at", "kind", "name", "phone", "consultant", "valid", "entered_at")
    list_filter = ("project", "kind", "valid")
    search_fields = ("name", "phone", "consultant__username", "consultant__first_name")
    list_select_related = ("consultant",)
    date_hierarchy = "occurred_at"


@admin.register(FollowUp)
class FollowUpAdmin(LedgerAdmin):
    list_display = ("occurred_at", "customer", "consultant", "channel", "entered_at")
    list_filter = ("project", "channel")
    list_select_related = ("customer", "consultant")


@admin.register(HouseholdLink)
class HouseholdLinkAdmin(LedgerAdmin):
    list_display = ("customer", "relative", "kind", "attributed_at", "entered_by")
    list_select_related = ("customer", "relative", "entered_by")


@admin.register(Correction)
class CorrectionAdmin(LedgerAdmin):
    list_display = ("registration", "void", "reason", "entered_by", "entered_at")
    list_select_related = ("registration", "entered_by")


@admin.register(TamperAttempt)
class TamperAttemptAdmin(LedgerAdmin):
    list_display = ("entered_at", "entered_by", "target", "target_id", "action", "channel")
    list_select_related = ("entered_by",)


@admin.register(LookupLog)
class LookupLogAdmin(LedgerAdmin):
    list_display = ("entered_at", "entered_by", "project", "phone_masked", "customer")
    list_select_related = ("entered_by", "project", "customer")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "uploaded_at",
        "project",
        "uploaded_by",
        "filename",
        "created",
        "invalid",
        "duplicate",
    )
    list_select_related = ("project", "uploaded_by")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StageChange)
class StageChangeAdmin(LedgerAdmin):
    list_display = ("entered_at", "customer", "from_stage", "to_stage", "cause", "entered_by")
    list_filter = ("project", "to_stage")
    list_select_related = ("customer", "entered_by")

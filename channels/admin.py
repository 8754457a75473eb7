"""Admin: agreements are managed here; the report ledger is readable, never editable."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from channels.models import (
    ChannelAgreement,
    ChannelReport,
    ConfirmationSignature,
    ReportEnd,
    SkimmingFlag,
    VisitConfirmation,
)
from customers.admin_ledger import LedgerAdmin


@admin.register(ChannelAgreement)
class ChannelAgreementAdmin(SimpleHistoryAdmin):
    list_display = ("channel_name", "project", "share_percent", "valid_from", "valid_to")
    list_filter = ("project",)
    search_fields = ("channel_name",)


@admin.register(ChannelReport)
class ChannelReportAdmin(LedgerAdmin):
    list_display = (
        "attributed_at",
        "channel_name",
        "agent",
        "name",
        "phone_visible",
        "valid_until",
        "refusal_code",
    )
    list_filter = ("project", "refusal_code")
    search_fields = ("name", "phone_visible", "channel_name", "agent__username")
    list_select_related = ("agent",)


@admin.register(VisitConfirmation)
class VisitConfirmationAdmin(LedgerAdmin):
    list_display = ("report", "visit_at", "protected_until", "entered_by", "entered_at")
    list_select_related = ("report", "entered_by")


@admin.register(ConfirmationSignature)
class ConfirmationSignatureAdmin(LedgerAdmin):
    list_display = ("confirmation", "party", "signer", "entered_at")
    list_select_related = ("signer",)


@admin.register(ReportEnd)
class ReportEndAdmin(LedgerAdmin):
    list_display = ("report", "outcome", "code", "entered_at")
    list_filter = ("outcome",)


@admin.register(SkimmingFlag)
class SkimmingFlagAdmin(LedgerAdmin):
    list_display = ("report", "received_at", "reception", "registration", "entered_at")

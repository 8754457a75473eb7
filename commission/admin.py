"""The commission splits: a read-only ledger (a split changes only by a new version)."""

from django.contrib import admin

from commission.models import CommissionShare, CommissionSplit
from customers.admin_ledger import LedgerAdmin, LedgerInlineMixin


class ShareInline(LedgerInlineMixin, admin.TabularInline):
    model = CommissionShare
    fields = ("consultant", "channel", "role", "percent")
    readonly_fields = fields


@admin.register(CommissionSplit)
class CommissionSplitAdmin(LedgerAdmin):
    list_display = ("subscription", "source", "step", "entered_by", "entered_at")
    list_filter = ("source",)
    list_select_related = ("subscription__unit", "subscription__customer", "entered_by")
    inlines = [ShareInline]

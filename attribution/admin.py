from django.contrib import admin

from attribution.models import PolicyVersion
from customers.admin_ledger import LedgerAdmin


@admin.register(PolicyVersion)
class PolicyVersionAdmin(LedgerAdmin):
    list_display = ("project", "number", "preset", "effective_at", "entered_at", "entered_by")
    list_filter = ("project",)

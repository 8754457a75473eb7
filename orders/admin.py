"""Admin screens of orders: the unit inventory (editable, with history) and the deals' ledger
tables (readable, never editable: a deal changes only through a cancellation or a ruling)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.admin_ledger import LedgerAdmin, LedgerInlineMixin
from orders.models import (
    Contract,
    ContractCancellation,
    DepositSettlement,
    Payment,
    QualificationReview,
    RequirementConfirmation,
    ScheduleItem,
    Subscription,
    SubscriptionCancellation,
    Unit,
    UnitHold,
    UnitStatus,
)

# Statuses a unit reaches through a deal (a hold), never by editing it here.
DEAL_STATUSES = {
    s for s in UnitStatus.values if s not in (UnitStatus.AVAILABLE, UnitStatus.RESERVED)
}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = (
            "project",
            "building",
            "unit",
            "floor",
            "room",
            "layout",
            "area",
            "list_price",
            "status",
        )

    def clean_status(self):
        status = self.cleaned_data["status"]
        held = self.instance.pk and UnitHold.objects.filter(unit=self.instance).exists()
        before = self.instance.status if self.instance.pk else UnitStatus.AVAILABLE
        if status != before and (held or status in DEAL_STATUSES):
            raise forms.ValidationError(
                _("A deal sets this status: subscribe or cancel through the sales screens.")
            )
        return status


class HeldByFilter(admin.SimpleListFilter):
    title = _("held by a deal")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(hold__isnull=self.value() == "no")
        return queryset


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    form = UnitForm
    list_display = (
        "__str__",
        "project",
        "building",
        "unit",
        "floor",
        "room",
        "layout",
        "area",
        "list_price",
        "status",
    )
    list_filter = ("project", "status", HeldByFilter, "building", "layout")
    search_fields = ("building", "unit", "room", "layout")
    list_select_related = ("project",)
    ordering = ("project", "building", "unit", "floor", "room")
    list_per_page = 100


class CancellationInline(LedgerInlineMixin, admin.StackedInline):
    model = SubscriptionCancellation
    fk_name = "subscription"
    readonly_fields = ("occurred_at", "reason", "approved_by", "entered_at", "entered_by")


@admin.register(Subscription)
class SubscriptionAdmin(LedgerAdmin):
    list_display = (
        "occurred_at",
        "unit",
        "customer",
        "consultant",
        "price",
        "deposit",
        "owner_absent",
        "deposit_only",
        "entered_at",
    )
    list_filter = ("project", "owner_absent", "deposit_only")
    search_fields = ("customer__name", "customer__phone", "consultant__username", "unit__room")
    list_select_related = ("unit", "customer", "consultant")
    date_hierarchy = "occurred_at"
    inlines = [CancellationInline]


@admin.register(SubscriptionCancellation)
class SubscriptionCancellationAdmin(LedgerAdmin):
    list_display = ("occurred_at", "subscription", "approved_by", "reason", "entered_at")
    list_select_related = ("subscription__unit", "subscription__customer", "approved_by")


@admin.register(UnitHold)
class UnitHoldAdmin(LedgerAdmin):
    """Read-only: a hold is created by a subscription and removed by its cancellation."""

    list_display = ("unit", "subscription", "held_since")
    list_select_related = ("unit", "subscription")


# -- contracts and money: read-only ledgers (a change is a new event: a payment, a refund,
# a cancellation, a new review or confirmation) ---------------------------------------------


class ScheduleInline(LedgerInlineMixin, admin.TabularInline):
    model = ScheduleItem
    fields = ("sequence", "label", "due", "amount")
    readonly_fields = fields


@admin.register(Contract)
class ContractAdmin(LedgerAdmin):
    list_display = ("number", "subscription", "price", "payment_method", "signed_at", "entered_by")
    list_filter = ("project", "payment_method")
    search_fields = ("number", "subscription__customer__name", "subscription__unit__room")
    list_select_related = ("subscription__unit", "subscription__customer", "entered_by")
    date_hierarchy = "signed_at"
    inlines = [ScheduleInline]


@admin.register(Payment)
class PaymentAdmin(LedgerAdmin):
    list_display = ("receipt_no", "contract", "kind", "amount", "paid_at", "method", "invoice_no")
    list_filter = ("project", "kind", "method")
    search_fields = ("receipt_no", "invoice_no", "contract__number")
    list_select_related = ("contract",)
    date_hierarchy = "paid_at"


@admin.register(DepositSettlement)
class DepositSettlementAdmin(LedgerAdmin):
    list_display = ("subscription", "outcome", "refunded", "receipt_no", "paid_at", "entered_by")
    list_filter = ("project", "outcome")
    search_fields = ("receipt_no",)
    list_select_related = ("subscription__unit", "subscription__customer", "entered_by")


@admin.register(ContractCancellation)
class ContractCancellationAdmin(LedgerAdmin):
    list_display = ("occurred_at", "contract", "approved_by", "reason")
    list_select_related = ("contract", "approved_by")


@admin.register(QualificationReview)
class QualificationReviewAdmin(LedgerAdmin):
    list_display = ("entered_at", "customer", "passed", "id_checked", "eligible", "funds_proof")
    list_filter = ("project", "passed")
    list_select_related = ("customer",)


@admin.register(RequirementConfirmation)
class RequirementConfirmationAdmin(LedgerAdmin):
    list_display = ("entered_at", "customer", "consultant", "budget", "layout", "signed_at")
    list_filter = ("project", "payment_method")
    list_select_related = ("customer", "consultant")

"""The managers' ruling screen (UX §5, 撞单裁决): open disputes with age and parties, and a page
per dispute with both consultants' timelines side by side, the verdicts, the evidence, the steps
and the ruling templates as buttons. Rulings go through the services: the row is never edited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.admin_ledger import LedgerAdmin
from disputes import selectors
from disputes.decisions import dispute_final_rule, dispute_rule, ruling_input_from_template
from disputes.flow import dispute_review, ensure_may_decide
from disputes.models import OPEN_STATES, Dispute, DisputeState, Violation
from projects.access import display_name, has_role
from projects.roles import Role
from salesoffice.errors import DomainError, NotPermitted

SCREEN = "admin/disputes/dispute/ruling.html"


class DisputeStateFilter(admin.SimpleListFilter):
    """Open disputes first: the list a manager works through (all states one click away)."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Waiting for a decision")), *DisputeState.choices, ("all", _("All"))]

    def value(self):
        return super().value() or "open"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        if value in DisputeState.values:
            return queryset.filter(state=value)
        return queryset


def _of_my_projects(request, queryset):
    """A manager sees their projects' rows; a superuser every project's."""
    if request.user.is_superuser:
        return queryset
    return queryset.filter(project__memberships__user=request.user)


def _is_manager(request) -> bool:
    return request.user.is_superuser or has_role(request.user, Role.MANAGER)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "kind", "state", "parties", "age", "opened_at", "project")
    list_display_links = ("id", "customer")
    list_filter = (DisputeStateFilter, "kind", "project")
    list_select_related = ("project", "customer", "claimant", "owner_at_opening")
    search_fields = ("customer__name", "claimant__first_name", "owner_at_opening__first_name")
    ordering = ("opened_at", "id")  # the oldest waits longest

    @admin.display(description=gettext_lazy("parties"))
    def parties(self, obj: Dispute) -> str:
        return f"{display_name(obj.claimant)} ⇄ {display_name(obj.owner_at_opening) or '—'}"

    @admin.display(description=gettext_lazy("age"), ordering="opened_at")
    def age(self, obj: Dispute) -> str:
        return timesince(obj.opened_at, timezone.now())

    def get_queryset(self, request):
        return _of_my_projects(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # disputes are opened by consultants (customer page, API) or by the rules

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return _is_manager(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_manager(request) and super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dispute = self.get_object(request, unquote(object_id))
        if dispute is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, dispute):
            raise PermissionDenied
        if request.method == "POST":
            return self.decide(request, dispute)
        return self.screen(request, dispute)

    def screen(self, request, dispute: Dispute, *, reason: str = "", status: int = 200):
        dispute = selectors.dispute_for(request.user, dispute.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Dispute #%(id)s") % {"id": dispute.pk},
            "screen": selectors.ruling_screen(dispute, request.user),
            "reason": reason,
            "may_change": self.has_change_permission(request, dispute),
        }
        return TemplateResponse(request, SCREEN, context, status=status)

    def decide(self, request, dispute: Dispute):
        """A button of the screen: the service decides whether it is allowed (a party is not)."""
        reason = request.POST.get("reason", "")
        try:
            if not self.has_change_permission(request, dispute):
                raise NotPermitted()
            message = screen_decision(request.POST, dispute, request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
            return self.screen(request, dispute, reason=reason, status=exc.status_code)
        messages.success(request, message)
        return redirect(request.path)


def screen_decision(post, dispute: Dispute, user) -> str:
    """Review, rule with a template, or on an appeal rule finally or uphold the ruling."""
    reason = post.get("reason", "")
    if post.get("action") == "review":
        dispute_review(dispute=dispute, note=reason, acting_user=user)
        return _("Review recorded.")
    if post.get("uphold"):
        dispute_final_rule(dispute=dispute, ruling=None, reason=reason, acting_user=user)
        return _("The ruling is upheld: the dispute is closed.")
    ensure_may_decide(dispute, user)
    ruling = ruling_input_from_template(
        dispute=dispute, template=post.get("template", ""), reason=reason
    )
    if dispute.state == DisputeState.APPEALED:
        dispute_final_rule(dispute=dispute, ruling=ruling, acting_user=user)
        return _("Final ruling recorded: the dispute is closed.")
    dispute_rule(dispute=dispute, ruling=ruling, acting_user=user)
    return _("Ruling recorded.")


@admin.register(Violation)
class ViolationAdmin(LedgerAdmin):
    """The violations ledger: read-only (rules and rulings write it, never a form)."""

    list_display = ("occurred_at", "staff", "kind", "amount", "source", "withdrawn", "project")
    list_filter = ("kind", "project")
    list_select_related = ("staff", "project", "withdrawal")
    date_hierarchy = "occurred_at"

    @admin.display(boolean=True, description=gettext_lazy("withdrawn"))
    def withdrawn(self, violation: Violation) -> bool:
        return hasattr(violation, "withdrawal")

    def get_queryset(self, request):
        return _of_my_projects(request, super().get_queryset(request))

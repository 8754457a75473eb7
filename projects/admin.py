from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from projects.access import has_role, projects_of
from projects.models import Membership, Project
from projects.roles import Role
from projects.services import staff_unlock
from salesoffice.errors import DomainError


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "timezone", "created_at")
    search_fields = ("code", "name")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "project", "claim_quota", "channel_name", "joined_at")
    list_filter = ("project",)
    search_fields = ("user__username", "user__first_name")
    list_select_related = ("user", "project")


@admin.register(AccessAttempt)
class LockedLoginAdmin(admin.ModelAdmin):
    """The failed logins of the last cool-off (django-axes' rows) and the button that unlocks
    them. A manager sees those of their projects' staff, a superuser every one: unknown
    usernames, and addresses locked out by guessing (deleting those rows lifts the lock)."""

    list_display = ("who", "address", "failures", "last_failure", "locked")
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    actions = ["unlock"]

    @admin.display(description=_("Username"), ordering="username")
    def who(self, attempt):
        return attempt.username

    @admin.display(description=_("Address"), ordering="ip_address")
    def address(self, attempt):
        return attempt.ip_address

    @admin.display(description=_("Failed logins"), ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description=_("Last failure"), ordering="attempt_time")
    def last_failure(self, attempt):
        return attempt.attempt_time

    @admin.display(description=_("Locked"), boolean=True)
    def locked(self, attempt):
        return attempt.username_failures >= settings.LOGIN_FAILURES_PER_USERNAME

    @admin.action(description=_("Unlock the selected logins"))
    def unlock(self, request, queryset):
        usernames = sorted({u for u in queryset.values_list("username", flat=True) if u})
        for username in usernames:
            try:
                staff_unlock(username=username, acting_user=request.user)
            except DomainError as exc:
                self.message_user(request, f"{username}: {exc.detail}", messages.ERROR)
                return
        self.message_user(
            request,
            ngettext("%(count)d login unlocked.", "%(count)d logins unlocked.", len(usernames))
            % {"count": len(usernames)},
        )

    def get_queryset(self, request):
        live = AccessAttempt.objects.filter(
            attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        per_username = (
            live.filter(username=OuterRef("username"))
            .values("username")
            .annotate(total=Sum("failures_since_start"))
            .values("total")
        )
        attempts = live.annotate(username_failures=Subquery(per_username))
        if request.user.is_superuser:
            return attempts
        staff = Membership.objects.filter(project__in=projects_of(request.user))
        return attempts.filter(username__in=staff.values("user__username"))

    def _manager(self, request) -> bool:
        return request.user.is_superuser or has_role(request.user, Role.MANAGER)

    def has_module_permission(self, request):
        return request.user.is_active and self._manager(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and self._manager(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

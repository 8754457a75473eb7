from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Membership, Project


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

"""Admin screens for ledger tables: readable, never editable; an attempt is refused and recorded."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from customers.services import tamper_attempt_record


class LedgerAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _refuse(self, request, object_id, action):
        target = self.get_object(request, object_id)
        if target is not None:
            tamper_attempt_record(
                target=target, action=action, channel="admin", acting_user=request.user
            )
        raise PermissionDenied

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            self._refuse(request, object_id, "update")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse(request, object_id, "delete")


class LedgerInlineMixin:
    """Rows of a ledger table shown inside their parent's admin page: read, never written."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

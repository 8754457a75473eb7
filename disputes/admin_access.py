"""The managers' access to the admin screen (UX §5), where they rule on disputes: granted when
a manager joins a project."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from projects.models import Project
from projects.roles import Role

MANAGER_ADMIN_PERMISSIONS = ("view_dispute", "change_dispute", "view_violation")


def manager_admin_access_on_joining(*, user, role: str, project: Project) -> None:
    """Managers rule on disputes in the admin screen (UX §5)."""
    if role == Role.MANAGER:
        manager_admin_access_grant(user)


def manager_admin_access_grant(user) -> None:
    """Managers rule in the admin screen: they are staff, and the manager group may view and
    change disputes (its rows only through the ruling services) and view violations."""
    group = Group.objects.get_or_create(name=Role.MANAGER)[0]
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="disputes", codename__in=MANAGER_ADMIN_PERMISSIONS
        )
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])

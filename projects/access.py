"""Who may do what in a project: roles are groups, presence in a project is a membership."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission, IsAuthenticated

from projects.models import Membership, Project
from projects.roles import OFFICE_ROLES, Role
from salesoffice.errors import DomainError, NotFound, NotPermitted

ROLE_VALUES = frozenset(Role.values)
ROLE_CACHE_SECONDS = 300


def role_of(user: AbstractBaseUser) -> str | None:
    """The user's role (group name); superusers act as managers. Cached on the instance."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_role"):
        user._role = Role.MANAGER if user.is_superuser else _group_role(user)
    return user._role


def _group_role(user) -> str | None:
    """The role is a group; cached a few minutes since it is asked on every request."""
    key = f"projects:role:{user.pk}"
    role = cache.get(key)
    if role is None:
        names = [g.name for g in user.groups.all() if g.name in ROLE_VALUES]
        role = names[0] if names else ""
        cache.set(key, role, ROLE_CACHE_SECONDS)
    return role or None


def forget_role(user) -> None:
    cache.delete(f"projects:role:{user.pk}")
    user.__dict__.pop("_role", None)


def has_role(user: AbstractBaseUser, *roles: str) -> bool:
    return role_of(user) in roles


def is_office_staff(user: AbstractBaseUser) -> bool:
    """Clerks and managers see every customer of their projects in full."""
    return role_of(user) in OFFICE_ROLES


def is_member(user: AbstractBaseUser, project: Project) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(project=project, user=user).exists()


def projects_of(user: AbstractBaseUser):
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user)


def project_for(user: AbstractBaseUser, code: str) -> Project:
    """The project by code, or 404 when it does not exist or the user is not a member."""
    project = projects_of(user).filter(code=code).first()
    if project is None:
        raise NotFound(_("No such project."), code="unknown_project")
    return project


def require_role(user: AbstractBaseUser, *roles: str) -> None:
    if not has_role(user, *roles):
        raise NotPermitted()


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.first_name or user.username


def person(user: AbstractBaseUser | None) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "name": display_name(user)}


# -- for the API views of every app ------------------------------------------------------------


def project_by_code(code: str) -> Project:
    project = Project.objects.filter(code=code).first()
    if project is None:
        raise _unknown_project()
    return project


def member_project_by_code(user, code: str) -> Project:
    """The project named in a request, which the user must be a member of (404 otherwise, so a
    stranger learns nothing of it), in one query: the front desk's lookup asks it every time."""
    membership = Membership.objects.filter(project=OuterRef("pk"), user_id=user.pk)
    project = Project.objects.filter(code=code).annotate(member=Exists(membership)).first()
    if project is None:
        raise _unknown_project()
    if not (project.member or user.is_superuser):
        raise NotFound(_("No such project."), code="unknown_project")
    return project


def _unknown_project() -> DomainError:
    return DomainError(
        _("Unknown project."),
        code="unknown_project",
        fields={"project": [_("Unknown project.")]},
    )


def staff_in_project(project: Project, username: str, field: str = "consultant"):
    """A staff member of the project by username or by name (the paper sheets use names)."""
    users = get_user_model().objects.filter(memberships__project=project)
    found = users.filter(username=username).first() if username else None
    if found is None and username:
        by_name = list(users.filter(first_name=username)[:2])
        found = by_name[0] if len(by_name) == 1 else None
    if found is None:
        raise DomainError(
            _("Unknown consultant: %(name)s.") % {"name": username},
            code=f"unknown_{field}",
            fields={field: [_("Unknown staff member.")]},
        )
    return found


class NotChannelAgent(BasePermission):
    """Channel agents are outside the site: an endpoint about its customers, their claims or
    its staff refuses them outright (DOMAIN.md §11), before it looks anything up."""

    message = gettext_lazy("Channel agents have no access to the site's records.")

    def has_permission(self, request, view) -> bool:
        return not has_role(request.user, Role.CHANNEL)


def with_roles(*roles: str) -> list[type[BasePermission]]:
    """``permission_classes = with_roles(...)``: the role is checked before the body is read,
    so a role that may not call the operation is refused whatever it sent."""

    class HasRole(BasePermission):
        message = NotPermitted.default_detail

        def has_permission(self, request, view) -> bool:
            return has_role(request.user, *roles)

    return [IsAuthenticated, HasRole]


# For the views of site records: ``permission_classes = SITE_STAFF``.
SITE_STAFF = [IsAuthenticated, NotChannelAgent]


RECEIVING_ROLES = (Role.CONSULTANT, Role.MANAGER)


def receiving_staff(project: Project):
    """The staff who may receive customers: the project's consultants and managers."""
    return (
        get_user_model()
        .objects.filter(
            memberships__project=project, groups__name__in=RECEIVING_ROLES, is_active=True
        )
        .distinct()
    )

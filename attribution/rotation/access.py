"""Who may do what in the rotation: clerks and managers run it, the front desk receives."""

from __future__ import annotations

from django.utils.translation import gettext as _

from projects.access import has_role, is_member
from projects.models import Project
from projects.roles import DESK_ROLES, Role
from salesoffice.errors import NotPermitted

# "The clerk runs the rotation" (API.md); managers may do everything a clerk does.
ROTATION_RUNNERS = (Role.CLERK, Role.MANAGER)


def _member_with_role(user, project: Project, roles: tuple[str, ...]) -> bool:
    return user.is_superuser or (is_member(user, project) and has_role(user, *roles))


def runs_rotation(user, project: Project) -> bool:
    """Sets the order, anyone's state, and records receptions after the fact."""
    return _member_with_role(user, project, ROTATION_RUNNERS)


def ensure_runs_rotation(user, project: Project) -> None:
    if not runs_rotation(user, project):
        raise NotPermitted(_("Only a clerk or a manager runs the rotation."))


def ensure_works_desk(user, project: Project) -> None:
    if not _member_with_role(user, project, DESK_ROLES):
        raise NotPermitted()

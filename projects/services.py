"""Set-up writes: a project's staff. (A project with its policy: attribution.setup.)"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from projects.access import forget_role, has_role, is_member
from projects.models import Membership, Project
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotFound, NotPermitted
from salesoffice.lockout import login_failures_forget

User = get_user_model()


# What follows a person joining a project, in the same transaction (disputes: a manager may rule
# in the admin screen). The apps above connect themselves in their AppConfig.ready.
STAFF_JOINED: list[Callable[..., None]] = []


def ensure_may_manage_staff(acting_user, project: Project) -> None:
    if acting_user.is_superuser:
        return
    if not (has_role(acting_user, Role.MANAGER) and is_member(acting_user, project)):
        raise NotPermitted()


def staff_create(
    *,
    project: Project,
    username: str,
    name: str,
    role: str,
    password: str | None = None,
    channel_name: str = "",
    acting_user,
):
    """A new member of staff, or an existing person of the same role joining one more project."""
    ensure_may_manage_staff(acting_user, project)
    if role not in Role.values:
        raise DomainError(_("Unknown role."), code="unknown_role", fields={"role": [role]})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=name)
            user.set_password(password) if password else user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            forget_role(user)
        elif not user.groups.filter(name=role).exists():
            raise Conflict(
                _("This username belongs to someone with another role."),
                code="username_taken",
                fields={"username": [username]},
            )
        if Membership.objects.filter(project=project, user=user).exists():
            raise Conflict(
                _("Already a member of this project."),
                code="already_member",
                fields={"username": [username]},
            )
        Membership.objects.create(project=project, user=user, channel_name=channel_name)
        for react in STAFF_JOINED:
            react(user=user, role=role, project=project)
    return user


def staff_unlock(*, username: str, acting_user) -> int:
    """A manager lets a colleague locked out by failed logins try again at once: the failures
    counted against the username are forgotten (from every address). A manager unlocks the
    staff of their projects; a superuser any username, even one nobody has (a lock on it is
    still a lock). Returns how many failure records were forgotten."""
    if not acting_user.is_superuser:
        shared = Project.objects.filter(memberships__user__username=username).filter(
            memberships__user=acting_user
        )
        project = shared.first()
        if project is None:
            raise NotFound(_("No such member of staff."))
        ensure_may_manage_staff(acting_user, project)
    return login_failures_forget(username)

"""Setting a project up: the project and its first attribution policy, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from attribution.services import policy_version_create
from projects.access import has_role
from projects.models import Membership, Project
from projects.roles import Role
from salesoffice.errors import Conflict, DomainError, NotPermitted


def project_create(
    *,
    code: str,
    name: str,
    timezone: str = "Asia/Shanghai",
    company_name: str = "",
    policy: dict[str, Any] | None = None,
    acting_user,
) -> Project:
    if not (acting_user.is_superuser or has_role(acting_user, Role.MANAGER)):
        raise NotPermitted()
    policy = dict(policy or {})
    preset = policy.pop("preset", None) or "first-registration-7d"
    project = Project(code=code, name=name, timezone=timezone, company_name=company_name)
    try:
        project.full_clean()
    except ValidationError as exc:
        conflict = "code" in exc.message_dict and Project.objects.filter(code=code).exists()
        error = Conflict if conflict else DomainError
        raise error(
            _("The project cannot be created."),
            code="project_exists" if conflict else "invalid",
            fields=exc.message_dict,
        ) from exc
    with transaction.atomic():
        project.save()
        policy_version_create(
            project=project,
            preset=preset,
            overrides=policy,
            acting_user=acting_user,
            note="created with the project",
        )
        if not acting_user.is_superuser:
            Membership.objects.create(project=project, user=acting_user)
    return project

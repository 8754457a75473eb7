"""Writes of the attribution app: policy versions (more arrive with the rulebook)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import PolicyVersion
from attribution.policy import PolicyError, build_policy
from attribution.selectors import policy_in_force
from projects.models import Project
from salesoffice.errors import DomainError


def policy_version_create(
    *,
    project: Project,
    preset: str | None = None,
    overrides: dict[str, Any] | None = None,
    effective_at: datetime | None = None,
    acting_user=None,
    note: str = "",
) -> PolicyVersion:
    """A new version: the one in force now, then the preset, then the overrides."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        now = timezone.now()
        latest = PolicyVersion.objects.filter(project=project).aggregate(n=Max("number"))["n"]
        base = policy_in_force(project, now) if latest and not preset else None
        try:
            policy = build_policy(base, preset=preset, overrides=overrides)
        except PolicyError as exc:
            raise DomainError(
                _("Some policy parameters are invalid."),
                code="invalid_policy",
                fields={k: [v] for k, v in exc.fields.items()},
            ) from exc
        return PolicyVersion.objects.create(
            project=project,
            number=(latest or 0) + 1,
            effective_at=effective_at or now,
            preset=preset or "",
            params=policy.as_dict(),
            note=note,
            entered_at=now,
            entered_by=acting_user,
        )

"""Small pieces shared by the API views of every app."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated

from projects.access import has_role
from projects.models import Membership, Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound


class LocalDateTimeField(serializers.Field):
    """ISO 8601; a time without offset is kept naive and read later in the project's time zone."""

    default_error_messages = {"invalid": _("An ISO 8601 date and time is expected.")}

    def to_internal_value(self, data):
        if isinstance(data, datetime):
            return data
        parsed = parse_datetime(str(data).strip()) if data is not None else None
        if parsed is None:
            self.fail("invalid")
        return parsed

    def to_representation(self, value):
        return value.isoformat()


def in_zone(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, tz)


def iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


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


# For the views of site records: ``permission_classes = SITE_STAFF``.
SITE_STAFF = [IsAuthenticated, NotChannelAgent]


# -- shapes shared by the OpenAPI descriptions of every app -----------------------------------


class ErrorOutput(serializers.Serializer):
    """Every refusal (salesoffice.errors): a sentence, a stable code, the fields at fault."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField()


class PersonOutput(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class RefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(required=False)
    label = serializers.CharField(required=False)

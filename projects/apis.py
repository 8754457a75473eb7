"""Set-up over HTTP: projects, their policy, and staff."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from projects import services
from projects.access import SITE_STAFF, project_by_code, project_for, role_of
from projects.models import Membership, Notification
from projects.notification_texts import render
from projects.roles import Role
from salesoffice.errors import NotFound

User = get_user_model()


def staff_payload(user, membership: Membership | None = None) -> dict:
    return {
        "username": user.username,
        "name": user.first_name or user.username,
        "role": role_of(user),
        "active": user.is_active,
        "claim_quota": membership.claim_quota if membership else None,
        "channel_name": membership.channel_name if membership else "",
    }


class StaffListCreateApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]{1,150}$")
        name = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=Role.choices)
        project = serializers.CharField()
        password = serializers.CharField(required=False, allow_blank=True, default="")
        channel_name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(responses={200: dict})
    def get(self, request):
        code = request.query_params.get("project", "")
        project = project_for(request.user, code)
        memberships = (
            Membership.objects.filter(project=project)
            .select_related("user")
            .prefetch_related("user__groups")
            .order_by("user__username")
        )
        return Response([staff_payload(m.user, m) for m in memberships])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = project_by_code(values.pop("project"))
        user = services.staff_create(project=project, acting_user=request.user, **values)
        membership = Membership.objects.get(project=project, user=user)
        return Response(
            {**staff_payload(user, membership), "project": project.code},
            status=status.HTTP_201_CREATED,
        )


class StaffUnlockApi(APIView):
    """Lifts a login lockout now (the manager of a project the person works in)."""

    permission_classes = SITE_STAFF

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, username):
        services.staff_unlock(username=username, acting_user=request.user)
        return Response({"unlocked": True})


class NotificationListApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        mine = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
        unread = request.query_params.get("unread") in ("1", "true")
        if unread:
            mine = mine.filter(read_at__isnull=True)
        return Response(
            {
                "unread": Notification.objects.filter(
                    recipient=request.user, read_at__isnull=True
                ).count(),
                "results": [
                    {
                        "id": n.pk,
                        "kind": n.kind,
                        "text": render(n),
                        "url": n.url,
                        "created_at": n.created_at.isoformat(),
                        "read": n.read_at is not None,
                    }
                    for n in mine[:100]
                ],
            }
        )


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk=None):
        """All of one's unread notifications, or one of them: another person's is not found."""
        mine = Notification.objects.filter(recipient=request.user)
        if pk is not None:
            mine = mine.filter(pk=pk)
            if not mine.exists():
                raise NotFound(_("No such notification."))
        return Response({"read": mine.filter(read_at__isnull=True).update(read_at=timezone.now())})

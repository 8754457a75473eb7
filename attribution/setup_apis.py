"""The set-up API of a project and its staff, where it touches attribution: a project with its
policy versions, and a member's own claim quota (A9) or departure (A12)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution import setup
from attribution.selectors import policy_in_force
from attribution.services import consultant_depart, policy_version_create, staff_quota_set
from projects.access import SITE_STAFF, project_for, projects_of
from projects.apis import staff_payload
from projects.models import Membership, Project
from projects.services import ensure_may_manage_staff
from salesoffice.api import INT, LocalDateTimeField, in_zone
from salesoffice.errors import DomainError, NotFound


def project_payload(project: Project) -> dict:
    version = project.policy_versions.order_by("-number").first()
    return {
        "code": project.code,
        "name": project.name,
        "timezone": project.timezone,
        "company_name": project.company_name,
        "policy": policy_in_force(project).as_dict(),
        "policy_version": version.number if version else 0,
    }


class ProjectOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    timezone = serializers.CharField()
    company_name = serializers.CharField()
    policy = serializers.DictField(help_text="Every parameter in force, with its value.")
    policy_version = serializers.IntegerField()


class ProjectListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        code = serializers.SlugField(max_length=32)
        name = serializers.CharField(max_length=100)
        timezone = serializers.CharField(required=False, default="Asia/Shanghai")
        company_name = serializers.CharField(required=False, default="", allow_blank=True)
        policy = serializers.DictField(required=False, default=dict)

    @extend_schema(responses={200: ProjectOutput(many=True)})
    def get(self, request):
        return Response([project_payload(p) for p in projects_of(request.user)])

    @extend_schema(request=InputSerializer, responses={201: ProjectOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = setup.project_create(acting_user=request.user, **data.validated_data)
        return Response(project_payload(project), status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses={200: ProjectOutput})
    def get(self, request, code):
        return Response(project_payload(project_for(request.user, code)))


class ProjectPolicyApi(APIView):
    """A new policy version; parameters not given keep their values in force now."""

    class InputSerializer(serializers.Serializer):
        preset = serializers.CharField(required=False, allow_null=True, default=None)
        effective_at = LocalDateTimeField(required=False, allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=dict, responses={200: dict})
    def patch(self, request, code):
        project = project_for(request.user, code)
        ensure_may_manage_staff(request.user, project)
        meta = self.InputSerializer(data=request.data)
        meta.is_valid(raise_exception=True)
        overrides = {k: v for k, v in request.data.items() if k not in meta.fields}
        version = policy_version_create(
            project=project,
            preset=meta.validated_data["preset"],
            overrides=overrides,
            effective_at=in_zone(meta.validated_data["effective_at"], project.tzinfo),
            acting_user=request.user,
            note=meta.validated_data["note"],
        )
        return Response(
            {
                **project_payload(project),
                "policy": version.params,
                "policy_version": version.number,
                "effective_at": version.effective_at.astimezone(project.tzinfo).isoformat(),
            }
        )


class StaffDetailApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    class InputSerializer(serializers.Serializer):
        project = serializers.CharField(required=False)
        claim_quota = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=INT
        )
        active = serializers.BooleanField(required=False)

    def membership(self, request, username, code=None) -> Membership:
        memberships = Membership.objects.filter(
            user__username=username, project__in=projects_of(request.user)
        ).select_related("user", "project")
        if code:
            memberships = memberships.filter(project__code=code)
        membership = memberships.first()
        if membership is None:
            raise NotFound(_("No such member of staff."))
        return membership

    @extend_schema(responses={200: dict})
    def get(self, request, username):
        membership = self.membership(request, username, request.query_params.get("project"))
        return Response(staff_payload(membership.user, membership))

    @extend_schema(request=InputSerializer, responses={200: dict})
    def patch(self, request, username):
        """A consultant's own quota (A9); ``active: false`` is a departure (A12)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        membership = self.membership(request, username, values.get("project"))
        ensure_may_manage_staff(request.user, membership.project)
        if not {"claim_quota", "active"} & set(values):
            raise DomainError(
                _("Nothing to change: give claim_quota or active."),
                code="nothing_to_change",
                fields={name: [_("Unknown field.")] for name in request.data if name != "project"},
            )
        user = membership.user
        released = 0
        if "claim_quota" in values:
            staff_quota_set(
                project=membership.project,
                user=user,
                claim_quota=values["claim_quota"],
                acting_user=request.user,
            )
        if values.get("active") is False and user.is_active:
            released = consultant_depart(user=user, acting_user=request.user)
        elif values.get("active") is True and not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        membership.refresh_from_db()
        user.refresh_from_db()
        return Response({**staff_payload(user, membership), "released": released})

"""Channel reports over HTTP (API.md "Channels"): thin views over services and selectors.

An agent sees only their own reports, with the phone as they typed it; clerks and managers
see the project's reports with the site's side of them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from channels import selectors
from channels.confirmation import (
    confirmation_sign,
    ensure_front_desk,
    unknown_registration,
    visit_confirm,
)
from channels.models import ChannelReport, ReportStatus, VisitConfirmation
from channels.presenters import confirmation_payload, report_payload
from channels.reporting import ReportInput, channel_report_create
from customers.models import Gender, Registration
from projects.access import has_role, member_project_by_code, project_for
from projects.roles import Role
from salesoffice.api import IdField, LocalDateTimeField, in_zone
from salesoffice.errors import DomainError, NotPermitted

STAFF_ROLES = (Role.CLERK, Role.MANAGER)


def viewer_is_staff(user) -> bool:
    """True for the front desk and managers, False for an agent; 403 for anyone else."""
    if has_role(user, Role.CHANNEL):
        return False
    if has_role(user, *STAFF_ROLES):
        return True
    raise NotPermitted(_("Channel reports are for channel agents, the front desk and managers."))


def status_param(value: str | None) -> str | None:
    if value and value not in ReportStatus.values:
        raise DomainError(
            _("Unknown status."),
            code="invalid_status",
            fields={"status": [", ".join(ReportStatus.values)]},
        )
    return value or None


class ChannelReportListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        project = serializers.CharField()
        # Blank or missing name and phone are stored as a refused report, not thrown away.
        name = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
        gender = serializers.ChoiceField(
            choices=Gender.choices, allow_blank=True, required=False, default=""
        )
        phone_visible = serializers.CharField(
            allow_blank=True, required=False, default="", max_length=32
        )
        reported_at = LocalDateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=False),
            OpenApiParameter("status", str, required=False, enum=ReportStatus.values),
        ],
        responses={200: dict},
    )
    def get(self, request):
        now = timezone.now()
        code = request.query_params.get("project")
        staff = viewer_is_staff(request.user)
        if staff:
            if not code:
                raise DomainError(
                    _("Say which project."), code="project_required", fields={"project": [""]}
                )
            reports = selectors.reports_of_project(project=project_for(request.user, code))
        else:
            project = project_for(request.user, code) if code else None
            reports = selectors.reports_of_agent(agent=request.user, project=project)
        reports = selectors.with_status(
            reports, status_param(request.query_params.get("status")), now
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(reports, request, view=self)
        return paginator.get_paginated_response(
            [report_payload(r, now=now, staff=staff) for r in page]
        )

    @extend_schema(request=InputSerializer, responses={201: dict, 400: dict, 409: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = member_project_by_code(request.user, values.pop("project"))
        values["reported_at"] = in_zone(values["reported_at"], project.tzinfo)
        report = channel_report_create(
            project=project, agent=request.user, data=ReportInput(**values)
        )
        body = report_payload(
            selectors.with_facts(ChannelReport.objects).get(pk=report.pk),
            now=report.entered_at,
            staff=False,
        )
        return Response(body, status=status.HTTP_201_CREATED)


class ChannelReportDetailApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        report = selectors.report_for(request.user, pk)
        staff = viewer_is_staff(request.user)
        report = selectors.with_facts(ChannelReport.objects).get(pk=report.pk)
        return Response(report_payload(report, now=timezone.now(), staff=staff))


class ConfirmVisitApi(APIView):
    """到访确认 by the front desk: the registration of the reported customer's visit."""

    class InputSerializer(serializers.Serializer):
        registration = IdField()

    @extend_schema(request=InputSerializer, responses={200: dict, 409: dict})
    def post(self, request, pk):
        report = selectors.report_for(request.user, pk)
        ensure_front_desk(request.user, report.project)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = Registration.objects.filter(
            pk=data.validated_data["registration"], project=report.project
        ).first()
        if registration is None:
            raise unknown_registration()
        confirmation = visit_confirm(
            report=report, registration=registration, acting_user=request.user
        )
        return Response({"id": report.pk, **signed_payload(confirmation)})


class SignApi(APIView):
    """三方确认: the reporting agent, the front desk (clerk) and a manager each sign once."""

    @extend_schema(request=None, responses={201: dict, 409: dict})
    def post(self, request, pk):
        report = selectors.report_for(request.user, pk)
        signature = confirmation_sign(report=report, acting_user=request.user)
        body = {"id": report.pk, "party": signature.party, **signed_payload(signature.confirmation)}
        return Response(body, status=status.HTTP_201_CREATED)


def signed_payload(confirmation: VisitConfirmation) -> dict:
    fresh = (
        VisitConfirmation.objects.select_related("report__project")
        .prefetch_related("signatures__signer")
        .get(pk=confirmation.pk)
    )
    return confirmation_payload(fresh, fresh.report.project.tzinfo)

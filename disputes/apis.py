"""Disputes and the violations ledger over HTTP: thin views over the writes (``opening``,
``flow``, ``decisions``) and the reads (``selectors``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution.apis import household_for
from attribution.explain import verdict_json
from attribution.selectors import household_verdict
from attribution.services import ensure_manager
from commission.rules import Share
from disputes import selectors
from disputes.decisions import (
    RulingInput,
    dispute_final_rule,
    dispute_rule,
    ruling_input_from_template,
)
from disputes.flow import dispute_appeal, dispute_review, ensure_may_decide
from disputes.models import Dispute, DisputeState
from disputes.opening import dispute_open
from disputes.presenters import dispute_payload, month_payload, step_payload
from disputes.rulings import RulingTemplate
from projects.access import is_member, project_by_code, staff_in_project
from salesoffice.api import IdField
from salesoffice.errors import DomainError, NotFound


def _project_of_query(request):
    project = project_by_code(request.query_params.get("project", ""))
    if not is_member(request.user, project):
        raise NotFound(_("No such project."), code="unknown_project")
    return project


class DisputeListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        household = IdField()
        claimant = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(allow_blank=True)
        evidence = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("state", str, required=False, enum=DisputeState.values),
        ],
        responses={200: dict},
    )
    def get(self, request):
        project = _project_of_query(request)
        disputes = selectors.disputes_visible_to(request.user, project)
        state = request.query_params.get("state")
        if state:
            if state not in DisputeState.values:
                raise DomainError(_("Unknown state."), code="invalid", fields={"state": [state]})
            disputes = disputes.filter(state=state)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(
            selectors.with_people(disputes).order_by("-opened_at", "-id"), request, view=self
        )
        return paginator.get_paginated_response([dispute_payload(d) for d in page])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        """JSON, or multipart with the evidence files under ``evidence_files``."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = household_for(request.user, values["household"])
        claimant = values["claimant"]
        dispute = dispute_open(
            household=household,
            claimant=(
                staff_in_project(household.project, claimant, "claimant")
                if claimant
                else request.user
            ),
            reason=values["reason"],
            evidence_note=values["evidence"],
            evidence_files=request.FILES.getlist("evidence_files"),
            acting_user=request.user,
        )
        body = dispute_payload(selectors.dispute_for(request.user, dispute.pk), detail=True)
        return Response(body, status=status.HTTP_201_CREATED)


class DisputeDetailApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(dispute_payload(selectors.dispute_for(request.user, pk), detail=True))


def _answer(request, dispute: Dispute, step) -> Response:
    """The dispute after the step, the step itself and the household's verdict now."""
    dispute = selectors.dispute_for(request.user, dispute.pk)
    household = dispute.customer.household
    body = {
        **dispute_payload(dispute, detail=True),
        "step": step_payload(step, dispute.project.tzinfo),
        "attribution": verdict_json(household_verdict(household), dispute.project.tzinfo),
    }
    return Response(body, status=status.HTTP_201_CREATED)


class DisputeReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"] or data.validated_data["reason"]
        step = dispute_review(dispute=dispute, note=note, acting_user=request.user)
        return _answer(request, dispute, step)


class RulingSerializer(serializers.Serializer):
    owner = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    shares = serializers.ListField(
        child=inline_serializer(
            "ShareInput",
            {
                "consultant": serializers.CharField(),
                "percent": serializers.DecimalField(max_digits=6, decimal_places=2),
            },
        ),
        required=False,
    )
    reason = serializers.CharField(allow_blank=True)
    violations = serializers.ListField(
        child=inline_serializer(
            "ViolationInput",
            {"staff": serializers.CharField(), "kind": serializers.CharField()},
        ),
        required=False,
    )
    template = serializers.ChoiceField(
        choices=RulingTemplate.choices, required=False, allow_blank=True
    )


def ruling_input(dispute: Dispute, values: dict) -> RulingInput:
    """A template gives owner, shares and violations; fields given explicitly win over it."""
    project = dispute.project
    reason = values["reason"]
    if values.get("template"):
        base = ruling_input_from_template(
            dispute=dispute, template=values["template"], reason=reason
        )
    elif "owner" not in values:
        raise DomainError(
            _("Name the owner, or choose a ruling template."),
            code="owner_required",
            fields={"owner": [_("Required.")]},
        )
    else:
        base = RulingInput(owner=None, reason=reason)
    owner = base.owner
    if "owner" in values:
        owner = staff_in_project(project, values["owner"], "owner") if values["owner"] else None
    shares = base.shares
    if "shares" in values:
        shares = [
            Share(Decimal(s["percent"]), staff_in_project(project, s["consultant"]))
            for s in values["shares"]
        ]
    violations = base.violations
    if "violations" in values:
        violations = [
            (staff_in_project(project, v["staff"], "staff"), v["kind"])
            for v in values["violations"]
        ]
    return RulingInput(owner, reason, shares, violations, base.template)


class DisputeRulingApi(APIView):
    @extend_schema(request=RulingSerializer, responses={201: dict})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        data = RulingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ensure_may_decide(dispute, request.user)  # a party hears "not permitted" first
        step = dispute_rule(
            dispute=dispute,
            ruling=ruling_input(dispute, data.validated_data),
            acting_user=request.user,
        )
        return _answer(request, dispute, step)


class DisputeAppealApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = dispute_appeal(
            dispute=dispute, reason=data.validated_data["reason"], acting_user=request.user
        )
        return _answer(request, dispute, step)


class FinalRulingSerializer(RulingSerializer):
    uphold = serializers.BooleanField(required=False, default=False)


class DisputeFinalRulingApi(APIView):
    @extend_schema(request=FinalRulingSerializer, responses={201: dict})
    def post(self, request, pk):
        """``{"uphold": true, "reason"}`` confirms the first ruling; otherwise as a ruling."""
        dispute = selectors.dispute_for(request.user, pk)
        data = FinalRulingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        ensure_may_decide(dispute, request.user)
        step = dispute_final_rule(
            dispute=dispute,
            ruling=None if values["uphold"] else ruling_input(dispute, values),
            reason=values["reason"],
            acting_user=request.user,
        )
        return _answer(request, dispute, step)


class ViolationListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("month", str, required=False, description="2026-03; default now"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        project = _project_of_query(request)
        ensure_manager(request.user, project)
        report = selectors.violations_of_month(
            project=project, month=request.query_params.get("month")
        )
        return Response(month_payload(report, project))

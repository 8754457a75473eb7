"""Attribution over HTTP: the verdict at any time, and the acts that move a household."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution import services
from attribution.explain import verdict_json
from attribution.models import PendingClaim
from attribution.selectors import household_verdict
from customers.models import Household
from projects.access import SITE_STAFF, is_member, staff_in_project
from salesoffice.api import IdField, in_zone, query_datetime
from salesoffice.errors import NotFound

User = get_user_model()


def household_for(user, pk: int) -> Household:
    """A household of one of the user's projects; a merged one answers as its survivor."""
    household = get_object_or_404(Household.objects.select_related("project"), pk=pk)
    while household.merged_into_id:
        household = Household.objects.select_related("project").get(pk=household.merged_into_id)
    if not is_member(user, household.project):
        raise NotFound(_("No such household."))
    return household


class AttributionApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    @extend_schema(parameters=[OpenApiParameter("at", str, required=False)], responses={200: dict})
    def get(self, request, pk):
        household = household_for(request.user, pk)
        tz = household.project.tzinfo
        at = query_datetime(request.query_params, "at")
        when = in_zone(at, tz) if at else timezone.now()
        return Response(verdict_json(household_verdict(household, when), tz))


class PendingClaimCreateApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    class InputSerializer(serializers.Serializer):
        consultant = serializers.CharField()
        evidence = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        household = household_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.pending_claim_submit(
            household=household,
            consultant=staff_in_project(household.project, data.validated_data["consultant"]),
            evidence=data.validated_data["evidence"],
            acting_user=request.user,
        )
        return Response({"id": claim.pk, "state": "submitted"}, status=status.HTTP_201_CREATED)


class PendingClaimDecisionApi(APIView):
    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        reason = serializers.CharField(allow_blank=True, required=False, default="")

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request, pk, claim_id):
        household = household_for(request.user, pk)
        claim = get_object_or_404(
            PendingClaim.objects.select_related("customer", "consultant"),
            pk=claim_id,
            customer__household=household,
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.pending_claim_decide(claim=claim, acting_user=request.user, **data.validated_data)
        state = "approved" if data.validated_data["approve"] else "denied"
        return Response({"id": claim.pk, "state": state})


class TakeApi(APIView):
    @extend_schema(request=None, responses={201: dict})
    def post(self, request, pk):
        household = household_for(request.user, pk)
        verdict = services.household_take(household=household, acting_user=request.user)
        return Response(
            verdict_json(verdict, household.project.tzinfo), status=status.HTTP_201_CREATED
        )


class ReassignApi(APIView):
    class InputSerializer(serializers.Serializer):
        households = serializers.ListField(child=IdField(), min_length=1, max_length=1000)
        consultant = serializers.CharField()
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first = household_for(request.user, values["households"][0])
        project = first.project
        results = services.households_reassign(
            project=project,
            household_ids=values["households"],
            consultant=staff_in_project(project, values["consultant"]),
            reason=values["reason"],
            acting_user=request.user,
        )
        return Response({"reassigned": results, "count": len(results)})

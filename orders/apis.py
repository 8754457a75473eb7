"""Units, subscriptions and commission over HTTP (API.md "Deals and commission"): thin views
over ``services`` and ``selectors``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution.explain import verdict_json
from commission.rules import Share
from customers.models import Customer
from orders import selectors, services
from orders.api_inputs import MONEY, unknown
from orders.models import Unit, UnitStatus
from projects.access import (
    has_role,
    member_project_by_code,
    person,
    project_for,
    projects_of,
    staff_in_project,
    with_roles,
)
from projects.roles import DESK_ROLES
from salesoffice.api import INT, IdField, LocalDateTimeField, in_zone, iso, money
from salesoffice.errors import DomainError, NotPermitted


def unit_payload(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "project": unit.project.code,
        "building": unit.building,
        "unit": unit.unit,
        "floor": unit.floor,
        "room": unit.room,
        "label": str(unit),
        "layout": unit.layout,
        "area": money(unit.area),
        "list_price": money(unit.list_price),
        "status": unit.status,
        "status_label": unit.get_status_display(),
    }


def share_payload(share: Share) -> dict:
    """API.md: ``consultant`` is the username, ``percent`` a decimal string ("50.00")."""
    party = {"consultant": share.consultant.username} if share.consultant else {}
    party = party or {"channel": share.channel}
    return {**party, "percent": money(share.percent), "role": share.role}


class UnitListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        project = serializers.CharField()
        building = serializers.CharField(max_length=20)
        unit = serializers.CharField(max_length=20, allow_blank=True, required=False, default="")
        floor = serializers.IntegerField(
            min_value=-INT, max_value=INT, allow_null=True, required=False, default=None
        )
        room = serializers.CharField(max_length=20)
        layout = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
        area = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"))
        list_price = serializers.DecimalField(
            max_digits=14, decimal_places=2, min_value=Decimal("0")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("building", str, required=False),
            OpenApiParameter("status", str, required=False, enum=UnitStatus.values),
        ],
        responses={200: dict},
    )
    def get(self, request):
        project = project_for(request.user, request.query_params.get("project", ""))
        if not (request.user.is_superuser or has_role(request.user, *selectors.UNIT_ROLES)):
            raise NotPermitted()
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in UnitStatus.values:
            raise DomainError(
                _("Unknown unit status."), code="invalid", fields={"status": [_("Unknown.")]}
            )
        units = selectors.units_of(
            project, building=request.query_params.get("building", ""), status=wanted
        ).select_related("project")
        return Response([unit_payload(u) for u in units])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = member_project_by_code(request.user, values.pop("project"))
        unit = services.unit_create(
            project=project, data=services.UnitInput(**values), acting_user=request.user
        )
        return Response(unit_payload(unit), status=status.HTTP_201_CREATED)


def subscription_payload(result: services.SubscriptionResult) -> dict:
    subscription = result.subscription
    tz = subscription.project.tzinfo
    return {
        "id": subscription.pk,
        "unit": unit_payload(subscription.unit),
        "customer": subscription.customer_id,
        "consultant": person(subscription.consultant),
        "assisted_by": person(subscription.assisted_by),
        "price": money(subscription.price),
        "deposit": money(subscription.deposit),
        "occurred_at": iso(subscription.occurred_at, tz),
        "attributed_at": iso(subscription.attributed_at, tz),
        "owner_absent": subscription.owner_absent,
        "deposit_only": subscription.deposit_only,
        "attribution": verdict_json(result.verdict, tz),
        "commission": {
            "source": "rules",
            "shares": [share_payload(s) for s in result.shares],
        },
        "dispute": result.dispute.pk if result.dispute else None,
    }


class SubscriptionCreateApi(APIView):
    permission_classes = with_roles(*DESK_ROLES)  # the role before the body

    class InputSerializer(serializers.Serializer):
        unit = IdField()
        customer = IdField()
        consultant = serializers.CharField()
        deposit = serializers.DecimalField(**MONEY)
        occurred_at = LocalDateTimeField()
        owner_absent = serializers.BooleanField(required=False, default=False)
        deposit_only = serializers.BooleanField(required=False, default=False)
        assisted_by = serializers.CharField(
            allow_null=True, allow_blank=True, required=False, default=None
        )
        price = serializers.DecimalField(**MONEY, allow_null=True, required=False, default=None)
        note = serializers.CharField(allow_blank=True, required=False, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        projects = projects_of(request.user)
        units = Unit.objects.select_related("project")
        unit = units.filter(pk=values.pop("unit"), project__in=projects).first()
        if unit is None:
            raise unknown("unit", _("No such unit."))
        customer = Customer.objects.filter(pk=values.pop("customer"), project__in=projects).first()
        if customer is None:
            raise unknown("customer", _("No such customer."))
        project = unit.project
        helper = values.pop("assisted_by")
        values.update(
            unit=unit,
            customer=customer,
            consultant=staff_in_project(project, values["consultant"]),
            assisted_by=staff_in_project(project, helper, "assisted_by") if helper else None,
            occurred_at=in_zone(values["occurred_at"], project.tzinfo),
        )
        result = services.subscription_create(
            data=services.SubscriptionInput(**values), acting_user=request.user
        )
        return Response(subscription_payload(result), status=status.HTTP_201_CREATED)


class SubscriptionCancelApi(APIView):
    """退订: a manager approves; the unit is available again and the household unlocked."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        subscription = selectors.subscription_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancellation, verdict = services.subscription_cancel(
            subscription=subscription,
            reason=data.validated_data["reason"],
            acting_user=request.user,
        )
        tz = subscription.project.tzinfo
        subscription.unit.refresh_from_db()
        return Response(
            {
                "id": cancellation.pk,
                "subscription": subscription.pk,
                "occurred_at": iso(cancellation.occurred_at, tz),
                "reason": cancellation.reason,
                "approved_by": person(cancellation.approved_by),
                "unit": unit_payload(subscription.unit),
                "attribution": verdict_json(verdict, tz),
            },
            status=status.HTTP_201_CREATED,
        )

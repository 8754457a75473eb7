"""Before the contract over HTTP (API.md "Deals and commission"): the customer's requirement
confirmations (客户需求确认单) and their signing, and the manager's qualification review
(购房资格审核). Thin views over ``requirements``."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import requirements
from orders.api_inputs import OPTIONAL_AREA, OPTIONAL_MONEY, unknown
from orders.models import PaymentMethod, QualificationReview, RequirementConfirmation, Unit
from projects.access import SITE_STAFF, person, staff_in_project
from salesoffice.api import IdField, LocalDateTimeField, in_zone, iso, money
from salesoffice.fields import mask_id_number

# -- requirement confirmations ------------------------------------------------------------------


def requirement_payload(confirmation: RequirementConfirmation, *, current: bool) -> dict:
    tz = confirmation.project.tzinfo
    return {
        "id": confirmation.pk,
        "customer": confirmation.customer_id,
        "consultant": person(confirmation.consultant),
        "budget": money(confirmation.budget),
        "layout": confirmation.layout,
        "area_min": money(confirmation.area_min),
        "area_max": money(confirmation.area_max),
        "payment_method": confirmation.payment_method,
        "intended_units": [
            {"id": u.pk, "label": str(u)} for u in confirmation.intended_units.all()
        ],
        "notes": confirmation.notes,
        "signed_at": iso(confirmation.signed_at, tz),
        "entered_at": iso(confirmation.entered_at, tz),
        "entered_by": person(confirmation.entered_by),
        "current": current,
        "print": reverse("requirement-print", args=[confirmation.pk]),
    }


class CustomerRequirementsApi(APIView):
    """客户需求确认单: the customer's confirmations (newest first, the first in force)."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        consultant = serializers.CharField(required=False, allow_blank=True, default="")
        budget = serializers.DecimalField(**OPTIONAL_MONEY)
        layout = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        area_min = serializers.DecimalField(**OPTIONAL_AREA)
        area_max = serializers.DecimalField(**OPTIONAL_AREA)
        payment_method = serializers.ChoiceField(
            choices=PaymentMethod.choices, required=False, allow_blank=True, default=""
        )
        intended_units = serializers.ListField(child=IdField(), required=False, default=list)
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        signed_at = LocalDateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        found = list(requirements.requirements_of(customer))
        return Response([requirement_payload(c, current=i == 0) for i, c in enumerate(found)])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = customer.project
        named = values.pop("consultant")
        unit_ids = set(values.pop("intended_units"))
        units = tuple(Unit.objects.filter(project=project, pk__in=unit_ids))
        if len(units) != len(unit_ids):
            raise unknown("intended_units", _("No such unit in this project."))
        values.update(
            consultant=staff_in_project(project, named) if named else request.user,
            intended_units=units,
            signed_at=in_zone(values["signed_at"], project.tzinfo),
        )
        confirmation = requirements.requirement_create(
            customer=customer,
            data=requirements.RequirementInput(**values),
            acting_user=request.user,
        )
        return Response(
            requirement_payload(confirmation, current=True), status=status.HTTP_201_CREATED
        )


class RequirementSignApi(APIView):
    """The customer signed the printed form: a signed copy supersedes it."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        signed_at = LocalDateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        confirmation = requirements.confirmation_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signed_at = in_zone(data.validated_data["signed_at"], confirmation.project.tzinfo)
        signed = requirements.requirement_sign(
            confirmation=confirmation, signed_at=signed_at, acting_user=request.user
        )
        return Response(requirement_payload(signed, current=True), status=status.HTTP_201_CREATED)


# -- qualification reviews ----------------------------------------------------------------------


def review_payload(review: QualificationReview) -> dict:
    return {
        "id": review.pk,
        "customer": review.customer_id,
        "status": "passed" if review.passed else "failed",
        "passed": review.passed,
        "id_checked": review.id_checked,
        "eligible": review.eligible,
        "funds_proof": review.funds_proof,
        "note": review.note,
        "reviewer": person(review.entered_by),
        "reviewed_at": iso(review.entered_at, review.project.tzinfo),
        "id_number": mask_id_number(review.customer.id_number),
    }


class QualificationApi(APIView):
    """购房资格审核 (manager): passed only when all three are checked."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        id_checked = serializers.BooleanField()
        eligible = serializers.BooleanField()
        funds_proof = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, default="")
        id_number = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, default=""
        )

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        reviews = QualificationReview.objects.filter(customer=customer).select_related(
            "project", "customer", "entered_by"
        )
        return Response([review_payload(r) for r in reviews.order_by("-entered_at", "-id")])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "id_number": data.validated_data["id_number"] or ""}
        review = requirements.qualification_review_create(
            customer=customer, data=requirements.ReviewInput(**values), acting_user=request.user
        )
        return Response(review_payload(review), status=status.HTTP_201_CREATED)

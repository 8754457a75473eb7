"""The pipeline over HTTP: read a customer's stage and history, move it by hand."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution.visibility import household_in_view
from customers.models import Customer, Stage, StageChange
from desk.pipeline import allowed_moves, may_move_by_hand, stage_history, stage_move
from projects.access import SITE_STAFF, is_member, person
from salesoffice.api import iso
from salesoffice.errors import NotFound


def visible_customer(user, pk: int) -> Customer:
    """The customer for whoever may see them in full; 404 for anyone else (§11)."""
    customer = Customer.objects.select_related("project", "household").filter(pk=pk).first()
    if customer is None or not is_member(user, customer.project):
        raise NotFound(_("No such customer."))
    if not household_in_view(customer, user)[1]:
        raise NotFound(_("No such customer."))
    return customer


def change_payload(change: StageChange, tz) -> dict:
    return {
        "id": change.pk,
        "from_stage": change.from_stage,
        "to_stage": change.to_stage,
        "reason": change.reason,
        "cause": change.cause,
        "entered_at": iso(change.entered_at, tz),
        "entered_by": person(change.entered_by),
    }


def stage_payload(customer: Customer, user) -> dict:
    tz = customer.project.tzinfo
    movable = may_move_by_hand(user, customer)
    return {
        "customer": customer.pk,
        "stage": customer.stage,
        "allowed": list(allowed_moves(customer.stage)) if movable else [],
        "history": [change_payload(c, tz) for c in stage_history(customer)],
    }


class CustomerStageApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=Stage.choices)
        reason = serializers.CharField(allow_blank=True, required=False, default="", max_length=500)

    @extend_schema(
        summary="A customer's pipeline stage, the viewer's legal moves and the history",
        responses={200: dict},
    )
    def get(self, request, pk):
        return Response(stage_payload(visible_customer(request.user, pk), request.user))

    @extend_schema(
        summary="Move a customer along the pipeline by hand",
        description=(
            "potential → intent → negotiating, any open stage → lost (``reason`` required: "
            "400 ``reason_required``), lost → potential or intent. Closing is done by a "
            "subscription, reopening by a cancellation. An illegal move is 409 "
            "``illegal_stage`` with the legal ones in ``allowed``; the consultant who neither "
            "owns nor serves the customer gets 404, a role that moves no stages 403 "
            "``not_permitted``."
        ),
        request=InputSerializer,
        responses={201: dict},
    )
    def post(self, request, pk):
        customer = visible_customer(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = stage_move(
            customer=customer,
            to_stage=data.validated_data["stage"],
            reason=data.validated_data["reason"],
            acting_user=request.user,
        )
        body = stage_payload(customer, request.user)
        body["change"] = change_payload(change, customer.project.tzinfo)
        return Response(body, status=status.HTTP_201_CREATED)

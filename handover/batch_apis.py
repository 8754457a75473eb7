"""Planning the handover over HTTP (API.md), a manager's work: a batch of a building or of some
units, and the batch's appointment windows. Thin views over ``batches`` and ``selectors``;
each answer goes through its Output serializer, so the OpenAPI schema is the shape actually
sent."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from handover import selectors
from handover.access import HANDOVER_ROLES, ensure_role
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.models import Document
from handover.presenters import batch_payload, slot_payload
from orders.models import Unit
from projects.access import SITE_STAFF, project_by_code, project_for
from salesoffice.api import SMALL_INT, ErrorOutput, IdField, LocalDateTimeField, in_zone
from salesoffice.errors import DomainError


class SlotOutput(serializers.Serializer):
    id = IdField()
    starts_at = serializers.CharField()
    ends_at = serializers.CharField()
    capacity = serializers.IntegerField(
        min_value=0,
        max_value=SMALL_INT,
    )
    booked = serializers.IntegerField(allow_null=True)


class BatchOutput(serializers.Serializer):
    id = IdField()
    project = serializers.CharField()
    name = serializers.CharField()
    location = serializers.CharField()
    documents = serializers.ListField(child=serializers.ChoiceField(Document.choices))
    notice = serializers.CharField()
    created_at = serializers.CharField()
    slots = SlotOutput(many=True)


class BatchCreatedOutput(BatchOutput):
    handovers = serializers.ListField(child=IdField(), help_text="The unit handovers created.")
    skipped = serializers.ListField(
        child=IdField(),
        help_text="Units without a live contract, or already in a batch.",
    )


class BatchCreateApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        project = serializers.CharField()
        name = serializers.CharField(allow_blank=True, max_length=100)
        location = serializers.CharField(allow_blank=True, max_length=200)
        building = serializers.CharField(required=False, allow_blank=True, default="")
        units = serializers.ListField(child=IdField(), required=False, default=list)
        documents = serializers.ListField(
            child=serializers.CharField(), required=False, default=None, allow_null=True
        )
        notice = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Plan a handover batch of a building or of some units (manager)",
        description="Each unit with a live contract gets a handover; the others are skipped.",
        request=InputSerializer,
        responses={201: BatchCreatedOutput},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = project_by_code(values["project"])
        project_for(request.user, project.code)
        units = Unit.objects.filter(project=project, pk__in=values["units"])
        if len(units) != len(set(values["units"])):
            message = _("Unknown unit.")
            raise DomainError(message, code="unknown_unit", fields={"units": [message]})
        batch_input = BatchInput(
            name=values["name"],
            location=values["location"],
            building=values["building"],
            units=tuple(units),
            notice=values["notice"],
            **({"documents": tuple(values["documents"])} if values["documents"] else {}),
        )
        result = batch_create(project=project, data=batch_input, acting_user=request.user)
        body = {
            **batch_payload(result.batch, [], project.tzinfo),
            "handovers": [h.pk for h in result.handovers],
            "skipped": [u.pk for u in result.skipped],
        }
        return Response(BatchCreatedOutput(body).data, status=status.HTTP_201_CREATED)


def _batch(request, pk: int):
    batch = selectors.batch_for(request.user, pk)
    ensure_role(request.user, HANDOVER_ROLES)
    return batch


class BatchApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(summary="A batch with its notice and slots", responses={200: BatchOutput})
    def get(self, request, pk):
        batch = _batch(request, pk)
        tz = batch.project.tzinfo
        return Response(BatchOutput(batch_payload(batch, selectors.slots_of(batch), tz)).data)


class SlotCreateApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        starts_at = LocalDateTimeField()
        ends_at = LocalDateTimeField()
        capacity = serializers.IntegerField(
            min_value=0,
            max_value=SMALL_INT,
        )

    @extend_schema(
        summary="Add an appointment window to a batch (manager)",
        description="A time without offset is read in the project's time zone.",
        request=InputSerializer,
        responses={201: SlotOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        batch = _batch(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tz = batch.project.tzinfo
        slot = slot_create(
            batch=batch,
            data=SlotInput(
                in_zone(values["starts_at"], tz), in_zone(values["ends_at"], tz), values["capacity"]
            ),
            acting_user=request.user,
        )
        return Response(
            SlotOutput(slot_payload(slot, tz, booked=0)).data, status=status.HTTP_201_CREATED
        )

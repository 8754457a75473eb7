"""A unit's handover over HTTP (API.md): the handover with its checklist, and each of its steps
(the notice, the appointment, move-in qualification, the inspection and its defects, the
signed confirmation, the keys) recorded the one way ``_take_step`` takes them. Thin views
over the step modules and ``selectors``; each answer goes through its Output serializer, so
the OpenAPI schema is the shape actually sent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from handover import selectors
from handover.appointments import appointment_book, notice_record
from handover.batch_apis import SlotOutput
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign, keys_hand_over
from handover.models import Inspection, NoticeChannel, Severity
from handover.presenters import defect_payload, handover_payload
from handover.qualification import qualification_record
from handover.unit_steps import ensure_may_work
from projects.access import SITE_STAFF
from salesoffice.api import SMALL_INT, ErrorOutput, IdField, PersonOutput, RefOutput
from salesoffice.errors import NotFound


class StepOutput(serializers.Serializer):
    step = serializers.ChoiceField(["qualification", "inspection", "confirmation", "keys"])
    done = serializers.BooleanField()
    current = serializers.BooleanField(help_text="The next step to take.")


class EnteredOutput(serializers.Serializer):
    at = serializers.CharField()
    by = PersonOutput(allow_null=True)


class QualificationOutput(EnteredOutput):
    certificate = serializers.CharField()


class DefectOutput(EnteredOutput):
    id = IdField()
    inspection = IdField()
    location = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.ChoiceField(Severity.choices)
    photo = serializers.BooleanField()
    ticket = serializers.CharField(allow_null=True, help_text="The after-sales ticket's number.")


class ConfirmationOutput(EnteredOutput):
    signed_by = serializers.CharField()


class KeysOutput(EnteredOutput):
    key_count = serializers.IntegerField(
        min_value=0,
        max_value=SMALL_INT,
    )
    received_by = serializers.CharField()


class HandoverOutput(serializers.Serializer):
    id = IdField()
    batch = IdField()
    unit = RefOutput()
    contract = IdField()
    customer = RefOutput()
    checklist = StepOutput(many=True)
    slot = SlotOutput(allow_null=True)
    qualification = QualificationOutput(allow_null=True)
    defects = DefectOutput(many=True)
    confirmation = ConfirmationOutput(allow_null=True)
    keys = KeysOutput(allow_null=True)


def _handover_body(request, pk: int) -> dict:
    handover = _handover(request, pk)
    tz = handover.project.tzinfo
    return HandoverOutput(
        handover_payload(handover, selectors.defects_with_tickets(handover), tz)
    ).data


def _handover(request, pk: int):
    handover = selectors.handover_for(request.user, pk)
    ensure_may_work(request.user, handover)
    return handover


class HandoverApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="A unit's handover: its checklist and each step's record",
        responses={200: HandoverOutput},
    )
    def get(self, request, pk):
        return Response(_handover_body(request, pk))


def _take_step(request, pk: int, input_serializer, take) -> tuple[object, dict]:
    """The one way to record a step: the caller may work on the handover, the input is valid,
    ``take`` is given the handover, the caller and the input as they are. What it returned,
    and the handover as it now stands."""
    handover = _handover(request, pk)
    data = input_serializer(data=request.data)
    data.is_valid(raise_exception=True)
    result = take(handover=handover, acting_user=request.user, **data.validated_data)
    return result, _handover_body(request, pk)


def _record_step(request, pk: int, input_serializer, take) -> Response:
    """A step answered with the handover alone."""
    _result, body = _take_step(request, pk, input_serializer, take)
    return Response(body, status=status.HTTP_201_CREATED)


class NoticeApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(NoticeChannel.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Record that the owner was given the handover notice",
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, notice_record)


class AppointmentApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        slot = serializers.IntegerField(
            min_value=0,
            max_value=SMALL_INT,
            allow_null=True,
            help_text="A window of the handover's batch; null cancels.",
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Book the owner into a window (or move, or cancel with slot null)",
        description=(
            "409 ``slot_full``, ``slot_past``, ``already_booked``, ``not_booked``; 400 "
            "``slot_not_in_batch``."
        ),
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, _book)


def _book(*, handover, acting_user, slot: int | None, note: str):
    """The window the API names by its id, among the handover's project's (None cancels)."""
    window = None if slot is None else selectors.slot_of(handover, slot)
    return appointment_book(handover=handover, slot=window, acting_user=acting_user, note=note)


class MoveInQualificationApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        id_checked = serializers.BooleanField()
        contract_checked = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="入住资格确认 (a manager or clerk): needs a valid payoff certificate",
        description="409 ``payoff_required`` without one; 400 ``checks_required``.",
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, qualification_record)


class InspectionApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")

    class CreatedOutput(HandoverOutput):
        inspection = IdField(help_text="Add its defects to inspections/{id}/.")

    @extend_schema(
        summary="Record the inspection (验房) with the owner",
        description="409 ``qualification_required`` before the move-in qualification.",
        request=InputSerializer,
        responses={201: CreatedOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        inspection, body = _take_step(request, pk, self.InputSerializer, inspection_record)
        body = {**body, "inspection": inspection.pk}
        return Response(self.CreatedOutput(body).data, status=status.HTTP_201_CREATED)


class DefectApi(APIView):
    permission_classes = SITE_STAFF
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        location = serializers.CharField(allow_blank=True, max_length=100)
        description = serializers.CharField(allow_blank=True, max_length=2000)
        severity = serializers.ChoiceField(Severity.choices)
        photo = serializers.FileField(required=False, allow_null=True, default=None)
        ticket_category = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="A department (engineering, property, sales, other): opens an after-sales "
            "ticket in its queue; empty: no ticket.",
        )

    class CreatedOutput(DefectOutput):
        handover = IdField()

    @extend_schema(
        summary="Add a defect (with a photo) to an inspection; optionally open its ticket",
        description="Multipart for a photo (JPEG, PNG or WebP, ≤ 10 MB).",
        request={"multipart/form-data": InputSerializer, "application/json": InputSerializer},
        responses={201: CreatedOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        inspection = _inspection(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = defect_record(
            inspection=inspection,
            data=DefectInput(**data.validated_data),
            acting_user=request.user,
        )
        tz = inspection.handover.project.tzinfo
        body = {
            **defect_payload(result.defect, result.ticket, tz),
            "handover": inspection.handover_id,
        }
        return Response(self.CreatedOutput(body).data, status=status.HTTP_201_CREATED)


def _inspection(request, pk: int) -> Inspection:
    inspection = Inspection.objects.filter(pk=pk).select_related("handover").first()
    if inspection is None:
        raise NotFound()
    inspection.handover = _handover(request, inspection.handover_id)
    return inspection


class ConfirmationApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        signed_by = serializers.CharField(allow_blank=True, max_length=100)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="The owner signs the handover confirmation (交房确认单)",
        description="409 ``inspection_required`` before an inspection, ``already_confirmed``.",
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, confirmation_sign)


class KeysApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        key_count = serializers.IntegerField(
            min_value=0,
            max_value=SMALL_INT,
        )
        received_by = serializers.CharField(allow_blank=True, max_length=100)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    class HandedOutput(HandoverOutput):
        visits = serializers.ListField(
            child=serializers.DateField(), help_text="The follow-up visits' due days."
        )
        visits_refused = serializers.CharField(
            help_text="Why after-sales scheduled no visit (e.g. no consultant); empty if it did."
        )

    @extend_schema(
        summary="Hand the keys over: the unit becomes handed_over, visits are scheduled",
        description="409 ``confirmation_required`` before the signed confirmation.",
        request=InputSerializer,
        responses={201: HandedOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        result, body = _take_step(request, pk, self.InputSerializer, keys_hand_over)
        body = {
            **body,
            "visits": [v.due_on for v in result.visits],
            "visits_refused": result.visits_refused,
        }
        return Response(self.HandedOutput(body).data, status=status.HTTP_201_CREATED)

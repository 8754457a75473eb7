"""The payoff certificate (API.md) and the handover over HTTP. Thin views over ``certificates``,
the step modules and ``selectors``; each answer goes through its Output serializer, so the OpenAPI
schema is the shape actually sent."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from handover import certificates, selectors
from handover.access import HANDOVER_ROLES, ensure_role
from handover.appointments import appointment_book, notice_record
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign, keys_hand_over
from handover.models import Document, Inspection, NoticeChannel, Severity
from handover.presenters import (
    batch_payload,
    certificate_payload,
    defect_payload,
    handover_payload,
    slot_payload,
)
from handover.qualification import qualification_record
from handover.unit_steps import ensure_may_work
from orders.models import Unit
from projects.access import SITE_STAFF, project_by_code, project_for
from salesoffice.api import ErrorOutput, LocalDateTimeField, PersonOutput, RefOutput, in_zone
from salesoffice.errors import DomainError, NotFound


class NotPaidOffOutput(ErrorOutput):
    outstanding = serializers.CharField(help_text='What is still owed, e.g. "12345.00".')


REFUSALS = {400: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}


class CertificateOutput(serializers.Serializer):
    number = serializers.CharField(help_text="HX01-FQ-000001: gapless per project.")
    verify_code = serializers.CharField(help_text="Random; the key of GET /verify/{code}/.")
    pdf = serializers.URLField(help_text="The PDF as issued (finance, managers, the consultant).")
    verify_url = serializers.URLField(help_text="The public page the QR code points to.")
    status = serializers.ChoiceField(["valid", "revoked"])
    contract = serializers.IntegerField()
    amount = serializers.CharField()
    issued_at = serializers.CharField()
    issued_by = PersonOutput(allow_null=True)
    revoked_at = serializers.CharField(allow_null=True)
    revoked_by = PersonOutput(allow_null=True)
    revocation_reason = serializers.CharField(allow_null=True)


class PayoffCertificateApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="Issue the contract's payoff certificate (finance)",
        description=(
            "Only when nothing is outstanding: else 409 ``not_paid_off`` with ``outstanding``. "
            "One valid certificate per contract: a second request, even at the same instant, "
            "is 409 ``already_issued`` with the valid certificate's ``number``. 409 "
            "``contract_cancelled`` for a cancelled contract; 403 for anyone but finance."
        ),
        request=None,
        responses={201: CertificateOutput, 409: NotPaidOffOutput, **REFUSALS},
    )
    def post(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        certificate = certificates.certificate_issue(contract=contract, acting_user=request.user)
        body = CertificateOutput(certificate_payload(certificate, request)).data
        return Response(body, status=status.HTTP_201_CREATED)


def _readable_certificate(request, number: str):
    certificate = selectors.certificate_for(request.user, number)
    if not certificates.may_read(request.user, certificate):
        raise NotFound()
    return certificate


class CertificateApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="A certificate and its status", responses={200: CertificateOutput, **REFUSALS}
    )
    def get(self, request, number):
        certificate = _readable_certificate(request, number)
        return Response(CertificateOutput(certificate_payload(certificate, request)).data)


class CertificateRevokeApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, max_length=2000)

    @extend_schema(
        summary="Revoke a certificate with a reason (a manager or finance)",
        description=(
            "The certificate stays, marked revoked; the contract may then be issued a new one "
            "(a new number). 409 ``already_revoked``; 400 ``reason_required``."
        ),
        request=InputSerializer,
        responses={200: CertificateOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, number):
        certificate = selectors.certificate_for(request.user, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificates.certificate_revoke(
            certificate=certificate, reason=data.validated_data["reason"], acting_user=request.user
        )
        certificate = selectors.certificate_for(request.user, number)
        return Response(CertificateOutput(certificate_payload(certificate, request)).data)


# -- handover ----------------------------------------------------------------------------------


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.CharField()
    ends_at = serializers.CharField()
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField(allow_null=True)


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.CharField()
    name = serializers.CharField()
    location = serializers.CharField()
    documents = serializers.ListField(child=serializers.ChoiceField(Document.choices))
    notice = serializers.CharField()
    created_at = serializers.CharField()
    slots = SlotOutput(many=True)


class BatchCreatedOutput(BatchOutput):
    handovers = serializers.ListField(
        child=serializers.IntegerField(), help_text="The unit handovers created."
    )
    skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Units without a live contract, or already in a batch.",
    )


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
    id = serializers.IntegerField()
    inspection = serializers.IntegerField()
    location = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.ChoiceField(Severity.choices)
    photo = serializers.BooleanField()
    ticket = serializers.CharField(allow_null=True, help_text="The after-sales ticket's number.")


class ConfirmationOutput(EnteredOutput):
    signed_by = serializers.CharField()


class KeysOutput(EnteredOutput):
    key_count = serializers.IntegerField()
    received_by = serializers.CharField()


class HandoverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    batch = serializers.IntegerField()
    unit = RefOutput()
    contract = serializers.IntegerField()
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


class BatchCreateApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        project = serializers.CharField()
        name = serializers.CharField(allow_blank=True, max_length=100)
        location = serializers.CharField(allow_blank=True, max_length=200)
        building = serializers.CharField(required=False, allow_blank=True, default="")
        units = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        documents = serializers.ListField(
            child=serializers.CharField(), required=False, default=None, allow_null=True
        )
        notice = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Plan a handover batch of a building or of some units (manager)",
        description="Each unit with a live contract gets a handover; the others are skipped.",
        request=InputSerializer,
        responses={201: BatchCreatedOutput, **REFUSALS},
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
        capacity = serializers.IntegerField()

    @extend_schema(
        summary="Add an appointment window to a batch (manager)",
        description="A time without offset is read in the project's time zone.",
        request=InputSerializer,
        responses={201: SlotOutput, 409: ErrorOutput, **REFUSALS},
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


class HandoverApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="A unit's handover: its checklist and each step's record",
        responses={200: HandoverOutput, **REFUSALS},
    )
    def get(self, request, pk):
        return Response(_handover_body(request, pk))


def _step_response(request, pk: int, created: bool = True) -> Response:
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return Response(_handover_body(request, pk), status=code)


def _record_step(request, pk: int, input_serializer, record) -> Response:
    """A step whose service takes the handover, the caller and the input as they are."""
    handover = _handover(request, pk)
    data = input_serializer(data=request.data)
    data.is_valid(raise_exception=True)
    record(handover=handover, acting_user=request.user, **data.validated_data)
    return _step_response(request, pk)


class NoticeApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(NoticeChannel.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Record that the owner was given the handover notice",
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, notice_record)


class AppointmentApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        slot = serializers.IntegerField(
            allow_null=True, help_text="A window of the handover's batch; null cancels."
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Book the owner into a window (or move, or cancel with slot null)",
        description=(
            "409 ``slot_full``, ``slot_past``, ``already_booked``, ``not_booked``; 400 "
            "``slot_not_in_batch``."
        ),
        request=InputSerializer,
        responses={201: HandoverOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        handover = _handover(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot_id = data.validated_data["slot"]
        slot = None if slot_id is None else selectors.slot_of(handover, slot_id)
        appointment_book(
            handover=handover, slot=slot, acting_user=request.user, note=data.validated_data["note"]
        )
        return _step_response(request, pk)


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
        responses={201: HandoverOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, qualification_record)


class InspectionApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="")

    class CreatedOutput(HandoverOutput):
        inspection = serializers.IntegerField(help_text="Add its defects to inspections/{id}/.")

    @extend_schema(
        summary="Record the inspection (验房) with the owner",
        description="409 ``qualification_required`` before the move-in qualification.",
        request=InputSerializer,
        responses={201: CreatedOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        handover = _handover(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = inspection_record(
            handover=handover, acting_user=request.user, **data.validated_data
        )
        body = {**_handover_body(request, pk), "inspection": inspection.pk}
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
        handover = serializers.IntegerField()

    @extend_schema(
        summary="Add a defect (with a photo) to an inspection; optionally open its ticket",
        description="Multipart for a photo (JPEG, PNG or WebP, ≤ 10 MB).",
        request={"multipart/form-data": InputSerializer, "application/json": InputSerializer},
        responses={201: CreatedOutput, 409: ErrorOutput, **REFUSALS},
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
        responses={201: HandoverOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        return _record_step(request, pk, self.InputSerializer, confirmation_sign)


class KeysApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        key_count = serializers.IntegerField()
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
        responses={201: HandedOutput, 409: ErrorOutput, **REFUSALS},
    )
    def post(self, request, pk):
        handover = _handover(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = keys_hand_over(handover=handover, acting_user=request.user, **data.validated_data)
        body = {
            **_handover_body(request, pk),
            "visits": [v.due_on for v in result.visits],
            "visits_refused": result.visits_refused,
        }
        return Response(self.HandedOutput(body).data, status=status.HTTP_201_CREATED)

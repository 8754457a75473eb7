"""The payoff certificate over HTTP (API.md): finance issues a contract's certificate; its
readers read it; a manager or finance revokes it with a reason. Thin views over
``certificates`` and ``selectors``; each answer goes through ``CertificateOutput``, so the
OpenAPI schema is the shape actually sent."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from handover import certificates, selectors
from handover.models import PayoffCertificate
from handover.presenters import certificate_payload
from projects.access import SITE_STAFF
from salesoffice.api import ErrorOutput, IdField, PersonOutput
from salesoffice.errors import NotFound


class NotPaidOffOutput(ErrorOutput):
    outstanding = serializers.CharField(help_text='What is still owed, e.g. "12345.00".')


class CertificateOutput(serializers.Serializer):
    number = serializers.CharField(help_text="HX01-FQ-000001: gapless per project.")
    verify_code = serializers.CharField(help_text="Random; the key of GET /verify/{code}/.")
    pdf = serializers.URLField(help_text="The PDF as issued (finance, managers, the consultant).")
    verify_url = serializers.URLField(help_text="The public page the QR code points to.")
    status = serializers.ChoiceField(["valid", "revoked"])
    contract = IdField()
    amount = serializers.CharField()
    issued_at = serializers.CharField()
    issued_by = PersonOutput(allow_null=True)
    revoked_at = serializers.CharField(allow_null=True)
    revoked_by = PersonOutput(allow_null=True)
    revocation_reason = serializers.CharField(allow_null=True)


def _certificate_body(certificate: PayoffCertificate, request) -> dict:
    return CertificateOutput(certificate_payload(certificate, request)).data


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
        responses={201: CertificateOutput, 409: NotPaidOffOutput},
    )
    def post(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        certificate = certificates.certificate_issue(contract=contract, acting_user=request.user)
        return Response(_certificate_body(certificate, request), status=status.HTTP_201_CREATED)


def _readable_certificate(request, number: str):
    certificate = selectors.certificate_for(request.user, number)
    if not certificates.may_read(request.user, certificate):
        raise NotFound()
    return certificate


class CertificateApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(summary="A certificate and its status", responses={200: CertificateOutput})
    def get(self, request, number):
        certificate = _readable_certificate(request, number)
        return Response(_certificate_body(certificate, request))


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
        responses={200: CertificateOutput, 409: ErrorOutput},
    )
    def post(self, request, number):
        certificate = selectors.certificate_for(request.user, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificates.certificate_revoke(
            certificate=certificate, reason=data.validated_data["reason"], acting_user=request.user
        )
        certificate = selectors.certificate_for(request.user, number)
        return Response(_certificate_body(certificate, request))

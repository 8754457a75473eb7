"""The daily sheet over HTTP: ``POST /api/registrations/import/`` (a thin view over ``imports``)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.imports.reading import parse_sheet
from desk.imports.services import ensure_may_import, sheet_import
from projects.access import member_project_by_code
from salesoffice.errors import DomainError

TRUE_WORDS = ("1", "true", "yes", "on")


def flag(params, name: str) -> bool:
    return str(params.get(name, "")).strip().lower() in TRUE_WORDS


class RegistrationImportApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=inline_serializer(
            "RegistrationImportInput",
            {"project": serializers.CharField(), "file": serializers.FileField()},
        ),
        parameters=[
            OpenApiParameter("atomic", bool, description="Store nothing if any row is refused."),
            OpenApiParameter("dry_run", bool, description="Store nothing; report what would be."),
        ],
        responses={200: dict},
    )
    def post(self, request):
        project = member_project_by_code(request.user, str(request.data.get("project", "")))
        # Refuse a consultant before reading their file, whatever it holds.
        ensure_may_import(request.user, project)
        upload = request.FILES.get("file")
        if upload is None:
            message = _("Attach the sheet as an XLSX or CSV file.")
            raise DomainError(message, code="file_missing", fields={"file": [message]})
        content = upload.read()
        report = sheet_import(
            project=project,
            rows=parse_sheet(content, upload.name),
            atomic=flag(request.query_params, "atomic"),
            dry_run=flag(request.query_params, "dry_run"),
            acting_user=request.user,
            filename=upload.name,
            file=ContentFile(content, name=upload.name),
        )
        return Response(report.as_dict())

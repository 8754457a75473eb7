"""Domain errors and the one place that turns any API failure into ``{detail, code, fields}``.

Services raise :class:`DomainError` subclasses with a stable ``code`` and a plain sentence;
views never build error responses themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_detail = _("The request cannot be carried out.")
    headers: dict[str, str] | None = None  # e.g. Retry-After

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.detail = str(detail or self.default_detail)
        self.code = code or self.code
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(self.detail)


class NotPermitted(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_permitted"
    default_detail = _("Your role does not permit this action.")


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_detail = _("Not found.")


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def _flatten_codes(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten_codes(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten_codes(item) for item in detail]
    return str(detail)


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _flatten_codes(detail)
        non_field = fields.pop("non_field_errors", None)
        first = non_field[0] if non_field else _("Some fields are invalid.")
        codes = exc.get_codes()
        code = "invalid"
        if non_field and isinstance(codes, dict) and codes.get("non_field_errors"):
            code = codes["non_field_errors"][0]
        return {"detail": str(first), "code": code, "fields": fields}
    messages = _flatten_codes(detail)
    first = messages[0] if isinstance(messages, list) and messages else messages
    return {"detail": str(first), "code": "invalid", "fields": {}}


def error_body(exc: DomainError) -> dict[str, Any]:
    return {"detail": exc.detail, "code": exc.code, "fields": exc.fields, **exc.extra}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc), status=exc.status_code, headers=exc.headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
    else:
        code = {
            exceptions.PermissionDenied: "not_permitted",
            exceptions.NotAuthenticated: "not_authenticated",
            exceptions.AuthenticationFailed: "authentication_failed",
            exceptions.NotFound: "not_found",
        }.get(type(exc), getattr(exc, "default_code", "error"))
        response.data = {"detail": str(exc.detail), "code": code, "fields": {}}
    return response

"""What the handover's writes check of what was typed: a text that must be given, within its
length; and the refusal that names the field at fault, with its code and its sentence."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salesoffice.errors import DomainError


def invalid(field_name: str, code: str, message: str) -> DomainError:
    return DomainError(message, code=code, fields={field_name: [message]})


def required(value: str, field_name: str, code: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid(field_name, code, message)
    if len(text) > limit:
        raise invalid(field_name, "too_long", _("At most %(n)s characters.") % {"n": limit})
    return text

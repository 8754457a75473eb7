"""Phones are normalised once, at the edge: a Chinese mobile as its 11 national digits."""

from __future__ import annotations

import re

import phonenumbers

CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class PhoneError(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def normalise_phone(raw: str | None) -> str:
    """``138 0013 8000``, ``+86-138-0013-8000`` and ``8613800138000`` all give ``13800138000``.

    Raises :class:`PhoneError` with code ``phone_missing`` or ``phone_invalid``.
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneError("phone_missing")
    if CN_MOBILE.match(text):
        return text  # already normalised: most of a sheet, and every lookup from the desk
    digits = re.sub(r"\D", "", text)
    candidate = "+" + digits if len(digits) == 13 and digits.startswith("86") else text
    try:
        parsed = phonenumbers.parse(candidate, "CN")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("phone_invalid") from exc
    national = str(parsed.national_number)
    if parsed.country_code != 86 or not CN_MOBILE.match(national):
        raise PhoneError("phone_invalid")
    return national


def mask_phone(phone: str, first: int = 3, last: int = 4) -> str:
    """``13800138000`` → ``138****8000``: the form shown to whoever may not see the number."""
    if not phone:
        return ""
    hidden = max(len(phone) - first - last, 0)
    return phone[:first] + "*" * hidden + phone[len(phone) - last :]


def mask_name(name: str) -> str:
    """``王芳`` → ``王*``: a surname is enough to greet someone, not to poach them."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)

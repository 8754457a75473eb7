"""What makes a registration valid (DOMAIN.md §2), as pure functions shared by every entry path."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from customers.phones import PhoneError, normalise_phone

REASONS = {
    "name_missing": _("The customer's name is missing."),
    "name_incomplete": _("A surname alone needs the customer's gender."),
    "phone_missing": _("The phone number is missing."),
    "phone_invalid": _("The phone number is not a reachable Chinese mobile number."),
    "occurred_in_future": _("The time of the visit or call is in the future."),
}

HONORIFICS = ("先生", "女士", "小姐")


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def name_defect(name: str, gender: str) -> str | None:
    """A full name, or a surname with gender (王先生, or 王 + gender), is enough."""
    name = name.strip()
    if not name:
        return "name_missing"
    if len(name) == 1 and not gender:
        return "name_incomplete"
    return None


def phone_or_defect(raw: str) -> tuple[str, str | None]:
    try:
        return normalise_phone(raw), None
    except PhoneError as exc:
        return "", exc.code


def registration_defects(
    *, name: str, gender: str, phone_defect: str | None, occurred_at: datetime, now: datetime
) -> list[str]:
    defects = [name_defect(name, gender), phone_defect]
    if occurred_at > now:
        defects.append("occurred_in_future")
    return [d for d in defects if d]


def attribution_time(occurred_at: datetime, entered_at: datetime, max_delay_hours: int) -> datetime:
    """The real time if entered promptly; otherwise the entry time, so nobody backdates."""
    if entered_at - occurred_at <= timedelta(hours=max_delay_hours):
        return occurred_at
    return entered_at

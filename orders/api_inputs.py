"""What the orders app's APIs read from a request alike: amounts of money and areas, a time in
the project's zone (or now), and the refusal of an id that names nothing of the caller's."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from salesoffice.api import in_zone
from salesoffice.errors import DomainError

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}
OPTIONAL_MONEY = {**MONEY, "allow_null": True, "required": False, "default": None}
OPTIONAL_AREA = {**OPTIONAL_MONEY, "max_digits": 8}


def when(value: datetime | None, tz) -> datetime:
    """A time as given (read in the project's zone when it has no offset), or now."""
    return in_zone(value, tz) if value is not None else timezone.now()


def unknown(field: str, message: str) -> DomainError:
    return DomainError(message, code=f"unknown_{field}", fields={field: [message]})

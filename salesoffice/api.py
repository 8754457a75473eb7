"""Small pieces shared by the API views of every app."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from salesoffice.errors import DomainError
from salesoffice.periods import YEARS


def parse_local_datetime(text: str) -> datetime | None:
    """ISO 8601, or None for anything else, impossible dates (minute 99, hour 25, 30 February)
    and years outside ``YEARS`` included."""
    try:
        parsed = parse_datetime(text.strip())
    except ValueError:  # well formed but impossible: Django raises rather than answer None
        return None
    return parsed if parsed is not None and parsed.year in YEARS else None


class LocalDateTimeField(serializers.Field):
    """ISO 8601; a time without offset is kept naive and read later in the project's time zone."""

    default_error_messages = {"invalid": gettext_lazy("An ISO 8601 date and time is expected.")}

    def to_internal_value(self, data):
        if isinstance(data, datetime):
            return data
        parsed = parse_local_datetime(str(data)) if data is not None else None
        if parsed is None:
            self.fail("invalid")
        return parsed

    def to_representation(self, value):
        return value.isoformat()


# The largest id PostgreSQL's bigint holds: a bigger one is refused as invalid input, not sent
# to the database to come back as an OverflowError (a 500).
MAX_ID = 2**63 - 1
SMALL_INT = 32767  # the largest value of a small-integer column (a count of keys, a capacity)
INT = 2**31 - 1


class IdField(serializers.IntegerField):
    """The id of an object, within what the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class OfficeDateField(serializers.DateField):
    """A day within the office's years (salesoffice.periods.YEARS): a day beyond them is
    refused here rather than overflowing when its local bounds are computed."""

    default_error_messages = {
        "out_of_range": gettext_lazy("Choose a date between 1900 and 2999."),
    }

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if day.year not in YEARS:
            self.fail("out_of_range")
        return day


def query_datetime(params, name: str) -> datetime | None:
    """A date-time given in the query string (``?at=``), None when absent, else 400 invalid."""
    text = params.get(name)
    if not text:
        return None
    parsed = parse_local_datetime(text)
    if parsed is None:
        message = LocalDateTimeField.default_error_messages["invalid"]
        raise DomainError(message, code="invalid", fields={name: [message]})
    return parsed


def money(value: Decimal | None) -> str | None:
    """Money as the API writes it: a string with two decimals (never a float)."""
    return None if value is None else f"{value:.2f}"


def in_zone(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, tz)


def iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


# -- shapes shared by the OpenAPI descriptions of every app -----------------------------------


class ErrorOutput(serializers.Serializer):
    """Every refusal (salesoffice.errors): a sentence, a stable code, the fields at fault."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField()


class PersonOutput(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()


class RefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(required=False)
    label = serializers.CharField(required=False)

"""Attempts to rewrite the ledger (擅自改正客户确认记录): recorded, then handed to whoever
fines them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from customers.models import TamperAttempt

# What follows an attempt, in the same transaction: the discipline app fines it (seed 004). It
# connects itself in its AppConfig.ready, being above this app.
TAMPERING_RECORDED: list[Callable[[TamperAttempt, datetime], None]] = []


def tamper_attempt_record(*, target, action: str, channel: str, acting_user) -> TamperAttempt:
    """Record who tried to rewrite the ledger, and tell whoever reacts to it."""
    now = timezone.now()
    attempt = TamperAttempt.objects.create(
        project_id=getattr(target, "project_id", None),
        target=type(target).__name__,
        target_id=target.pk,
        action=action,
        channel=channel,
        entered_at=now,
        entered_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    for react in TAMPERING_RECORDED:
        react(attempt, now)
    return attempt

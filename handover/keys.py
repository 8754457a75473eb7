"""The end of a unit's handover: the owner (or their proxy) signs the handover confirmation
(交房确认单) after the inspection, then takes the keys; the unit is handed over and the owner's
follow-up visits are scheduled by the after-sales app."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.models import Visit
from aftersales.services import visits_schedule
from handover import checklist
from handover.inputs import invalid, required
from handover.models import HandoverConfirmation, KeyHandover, UnitHandover
from handover.unit_steps import (
    ensure_may_work,
    ensure_not_confirmed,
    ensure_step_allowed,
    lock_open,
    step_row,
)
from orders.models import Unit, UnitStatus
from salesoffice.errors import DomainError

logger = logging.getLogger(__name__)

MAX_KEYS = 50


def confirmation_sign(
    *, handover: UnitHandover, signed_by: str, note: str, acting_user
) -> HandoverConfirmation:
    """交房确认单: the owner (or their proxy) accepts the unit and signs, after the inspection."""
    ensure_may_work(acting_user, handover)
    signed_by = required(
        signed_by, "signed_by", "signer_required", _("Who signed the confirmation?"), 100
    )
    with transaction.atomic():
        handover, progress = lock_open(handover)
        ensure_not_confirmed(progress)
        ensure_step_allowed(checklist.CONFIRMATION, progress)
        return step_row(
            HandoverConfirmation,
            handover=handover,
            acting_user=acting_user,
            note=note,
            signed_by=signed_by,
        )


@dataclass(frozen=True)
class KeysResult:
    keys: KeyHandover
    visits: list[Visit]
    visits_refused: str = ""  # why the after-sales app scheduled no visit, if it did not


def keys_hand_over(
    *, handover: UnitHandover, key_count: int, received_by: str, note: str, acting_user
) -> KeysResult:
    """The keys, after the signed confirmation: the unit becomes handed over and the owner's
    follow-up visits are scheduled (after-sales ``visits_schedule``)."""
    ensure_may_work(acting_user, handover)
    if isinstance(key_count, bool) or not 0 < key_count <= MAX_KEYS:
        raise invalid(
            "key_count", "key_count_invalid", _("Between 1 and %(n)s keys.") % {"n": MAX_KEYS}
        )
    received_by = required(
        received_by, "received_by", "receiver_required", _("Who received the keys?"), 100
    )
    with transaction.atomic():
        handover, progress = lock_open(handover)
        now = timezone.now()
        ensure_step_allowed(checklist.KEYS, progress)
        keys = step_row(
            KeyHandover,
            handover=handover,
            acting_user=acting_user,
            note=note,
            at=now,
            key_count=key_count,
            received_by=received_by,
        )
        _mark_handed_over(handover.unit)
        visits, refused = _schedule_visits(handover, now, acting_user)
    return KeysResult(keys, visits, refused)


def _mark_handed_over(unit: Unit) -> None:
    unit = Unit.objects.get(pk=unit.pk)  # locked first by lock_open
    unit.status = UnitStatus.HANDED_OVER
    unit.save(update_fields=["status"])  # through save(): the unit's history records it


def _schedule_visits(handover: UnitHandover, now: datetime, acting_user) -> tuple[list, str]:
    """The visits are the after-sales app's; a customer without a consultant to visit them
    must not keep the owner's keys back, so its refusal is reported, not raised."""
    try:
        with transaction.atomic():
            visits = visits_schedule(
                customer=handover.customer,
                unit=handover.unit,
                handed_over_at=now,
                acting_user=acting_user,
            )
    except DomainError as exc:
        logger.warning("No follow-up visits for handover %s: %s", handover.pk, exc.code)
        return [], exc.detail
    return visits, ""

"""Before the owner comes: the handover notice given (when and where to come, what to bring),
and the owner's appointment in one of the batch's windows, moved to another or cancelled. A
window's bookings are counted under its lock, so that it is never booked past its capacity."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from handover.inputs import invalid
from handover.models import (
    Appointment,
    AppointmentSlot,
    HandoverNotice,
    NoticeChannel,
    SlotBooking,
    UnitHandover,
)
from handover.unit_steps import ensure_may_work, lock_open, step_row
from salesoffice.errors import Conflict


def notice_record(
    *, handover: UnitHandover, channel: str, note: str, acting_user
) -> HandoverNotice:
    """The owner was told when and where to come, and what to bring."""
    ensure_may_work(acting_user, handover)
    if channel not in NoticeChannel.values:
        raise invalid("channel", "unknown_channel", _("Choose how the owner was told."))
    with transaction.atomic():
        handover, _progress = lock_open(handover)
        return step_row(
            HandoverNotice, handover=handover, acting_user=acting_user, note=note, channel=channel
        )


def appointment_book(
    *, handover: UnitHandover, slot: AppointmentSlot | None, acting_user, note: str = ""
) -> Appointment:
    """Book the owner into a window of the batch, move them to another, or (``slot`` None)
    cancel. The windows' rows are locked in id order, then their bookings counted."""
    ensure_may_work(acting_user, handover)
    if slot is not None and slot.batch_id != handover.batch_id:
        raise invalid("slot", "slot_not_in_batch", _("This window is another batch's."))
    with transaction.atomic():
        handover, _progress = lock_open(handover)
        now = timezone.now()
        current = SlotBooking.objects.filter(handover=handover).first()
        _lock_slots({s for s in (current and current.slot_id, slot and slot.pk) if s})
        _ensure_bookable(slot, current, now)
        appointment = step_row(
            Appointment, handover=handover, acting_user=acting_user, note=note, at=now, slot=slot
        )
        if slot is None:
            current.delete()
        else:
            SlotBooking.objects.update_or_create(
                handover=handover, defaults={"slot": slot, "appointment": appointment}
            )
    return appointment


def _lock_slots(ids: set[int]) -> None:
    list(AppointmentSlot.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _ensure_bookable(slot, current: SlotBooking | None, now: datetime) -> None:
    if slot is None:
        if current is None:
            raise Conflict(_("The owner has no appointment to cancel."), code="not_booked")
        return
    if current is not None and current.slot_id == slot.pk:
        raise Conflict(_("The owner is already booked in this window."), code="already_booked")
    if slot.ends_at <= now:
        raise Conflict(_("This window is over."), code="slot_past")
    if SlotBooking.objects.filter(slot=slot).count() >= slot.capacity:
        raise Conflict(_("This window is full: choose another."), code="slot_full")

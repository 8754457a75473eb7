"""Writes of the handover (交房, seeds 000 and 002): batches with their notice and slots, then for
each unit: the notice given, the appointment, move-in qualification (needs a valid payoff
certificate), the inspection and its defects (each may open an after-sales ticket), the signed
confirmation and the keys, after which the unit is handed over and the follow-up visits are
scheduled by the after-sales app.

Every step appends a ledger row under the locks of the unit, the contract and then the
handover, in that order everywhere (the orders app's payments lock the unit, then the contract;
the certificate writes lock only the contract), so concurrent steps on one unit are serialised
and cannot deadlock; one-to-ones make each once-only step once-only even for a writer that
skipped the locks.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.models import Category, Origin, Ticket, Visit
from aftersales.services import TicketInput, may_open_for, ticket_open, visits_schedule
from handover import checklist
from handover.access import (
    BATCH_MAKERS,
    QUALIFIERS,
    ensure_member,
    ensure_role,
    may_work_on_handover,
)
from handover.certificates import ensure_not_cancelled, ensure_paid_off
from handover.models import (
    Appointment,
    AppointmentSlot,
    Defect,
    Document,
    HandoverBatch,
    HandoverConfirmation,
    HandoverNotice,
    Inspection,
    KeyHandover,
    MoveInQualification,
    NoticeChannel,
    Severity,
    SlotBooking,
    UnitHandover,
    ValidCertificate,
    default_documents,
)
from handover.photos import check_photo, photo_suffix
from handover.selectors import progress_of
from orders.models import Contract, Unit, UnitStatus
from projects.models import Project
from salesoffice.errors import Conflict, DomainError, NotPermitted

logger = logging.getLogger(__name__)

MAX_CAPACITY = 500
MAX_KEYS = 50


def _invalid(field_name: str, code: str, message: str) -> DomainError:
    return DomainError(message, code=code, fields={field_name: [message]})


def _required(value: str, field_name: str, code: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise _invalid(field_name, code, message)
    if len(text) > limit:
        raise _invalid(field_name, "too_long", _("At most %(n)s characters.") % {"n": limit})
    return text


# -- batches and slots -------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchInput:
    name: str
    location: str
    building: str = ""  # every unit of the building with a live contract, or
    units: tuple[Unit, ...] = ()  # these units
    documents: tuple[str, ...] = field(default_factory=lambda: tuple(default_documents()))
    notice: str = ""


@dataclass(frozen=True)
class BatchResult:
    batch: HandoverBatch
    handovers: list[UnitHandover]
    skipped: list[Unit]  # no live contract, or already in a batch


def _clean_batch(data: BatchInput) -> BatchInput:
    name = _required(data.name, "name", "name_required", _("Name the batch."), 100)
    location = _required(
        data.location, "location", "location_required", _("Say where the owners come."), 200
    )
    unknown = [d for d in data.documents if d not in Document.values]
    if unknown:
        raise _invalid("documents", "unknown_document", _("Unknown document: %s.") % unknown[0])
    if not data.documents:
        raise _invalid("documents", "documents_required", _("Say what the owners bring."))
    if bool(data.building.strip()) == bool(data.units):
        raise _invalid("units", "units_required", _("Choose a building or some units."))
    return BatchInput(
        name, location, data.building.strip(), data.units, tuple(data.documents), data.notice
    )


def batch_create(*, project: Project, data: BatchInput, acting_user) -> BatchResult:
    """A handover batch of a building (or of some units), with its notice (manager)."""
    ensure_member(acting_user, project)
    ensure_role(acting_user, BATCH_MAKERS, _("Only a manager plans handovers."))
    data = _clean_batch(data)
    units = _units_for(project, data)
    with transaction.atomic():
        now = timezone.now()
        batch = HandoverBatch.objects.create(
            project=project,
            name=data.name,
            location=data.location,
            documents=list(data.documents),
            notice=(data.notice or "").strip(),
            created_by=acting_user,
            created_at=now,
        )
        handovers = _add_units(batch, units, acting_user, now)
    taken = {h.unit_id for h in handovers}
    return BatchResult(batch, handovers, [u for u in units if u.pk not in taken])


def _units_for(project: Project, data: BatchInput) -> list[Unit]:
    if data.building:
        return list(Unit.objects.filter(project=project, building=data.building))
    if any(u.project_id != project.pk for u in data.units):
        raise _invalid("units", "unit_mismatch", _("A unit is in another project."))
    return list(data.units)


def _add_units(batch: HandoverBatch, units: list[Unit], acting_user, now) -> list[UnitHandover]:
    """A handover for each unit with a live contract (held, not cancelled) not yet in a batch;
    the contracts are locked first, as every handover write does."""
    contracts = list(
        Contract.objects.select_for_update(of=("self",))
        .filter(
            subscription__unit__in=units,
            subscription__hold__isnull=False,
            cancellation__isnull=True,
        )
        .select_related("subscription")
        .order_by("pk")
    )
    planned = set(
        UnitHandover.objects.filter(contract__in=contracts).values_list("contract_id", flat=True)
    )
    rows = [
        UnitHandover(
            project=batch.project,
            batch=batch,
            unit_id=c.subscription.unit_id,
            contract=c,
            customer_id=c.subscription.customer_id,
            entered_at=now,
            entered_by=acting_user,
        )
        for c in contracts
        if c.pk not in planned
    ]
    return UnitHandover.objects.bulk_create(rows)


@dataclass(frozen=True)
class SlotInput:
    starts_at: datetime
    ends_at: datetime
    capacity: int


def slot_create(*, batch: HandoverBatch, data: SlotInput, acting_user) -> AppointmentSlot:
    """An appointment window of a batch with its capacity (manager)."""
    ensure_member(acting_user, batch.project)
    ensure_role(acting_user, BATCH_MAKERS, _("Only a manager plans handovers."))
    if data.ends_at <= data.starts_at:
        raise _invalid("ends_at", "slot_order", _("The window ends after it starts."))
    if isinstance(data.capacity, bool) or not 0 < data.capacity <= MAX_CAPACITY:
        raise _invalid(
            "capacity",
            "capacity_invalid",
            _("Between 1 and %(n)s units per window.") % {"n": MAX_CAPACITY},
        )
    try:
        with transaction.atomic():
            return AppointmentSlot.objects.create(
                batch=batch,
                starts_at=data.starts_at,
                ends_at=data.ends_at,
                capacity=data.capacity,
                created_by=acting_user,
                created_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The batch already has a window starting then."), code="slot_exists"
        ) from exc


# -- one unit's steps --------------------------------------------------------------------------


def ensure_may_work(user, handover: UnitHandover) -> None:
    ensure_member(user, handover.project)
    if not may_work_on_handover(user, handover.contract):
        raise NotPermitted(_("This handover is another consultant's customer."))


def _locked(handover: UnitHandover) -> UnitHandover:
    """The unit's row, the contract's, then the handover's: the locks of every handover step,
    in the order the orders app's payments take them (unit, then contract), so that handing
    over the keys while a payment is recorded cannot deadlock."""
    Unit.objects.select_for_update().filter(pk=handover.unit_id).first()
    Contract.objects.select_for_update(of=("self",)).filter(pk=handover.contract_id).first()
    return (
        UnitHandover.objects.select_for_update(of=("self",))
        .select_related("project", "batch", "unit", "customer", "contract__subscription")
        .get(pk=handover.pk)
    )


def _ensure_open(handover: UnitHandover) -> checklist.Progress:
    """Steps are taken on a live contract, before the keys."""
    ensure_not_cancelled(handover.contract)
    progress = progress_of(handover)
    if progress.keys:
        raise Conflict(_("The keys were already handed over."), code="already_handed_over")
    return progress


def _ensure_step_allowed(step: str, progress: checklist.Progress) -> None:
    missing = checklist.missing_before(step, progress)
    if missing is None:
        return
    messages = {
        checklist.QUALIFICATION: _("Confirm the owner's move-in qualification first."),
        checklist.INSPECTION: _("Inspect the unit with the owner first."),
        checklist.CONFIRMATION: _("The owner signs the handover confirmation first."),
    }
    raise Conflict(messages[missing], code=f"{missing}_required")


def notice_record(
    *, handover: UnitHandover, channel: str, note: str, acting_user
) -> HandoverNotice:
    """The owner was told when and where to come, and what to bring."""
    ensure_may_work(acting_user, handover)
    if channel not in NoticeChannel.values:
        raise _invalid("channel", "unknown_channel", _("Choose how the owner was told."))
    with transaction.atomic():
        handover = _locked(handover)
        _ensure_open(handover)
        return HandoverNotice.objects.create(
            handover=handover,
            channel=channel,
            note=(note or "").strip(),
            entered_at=timezone.now(),
            entered_by=acting_user,
        )


def appointment_book(
    *, handover: UnitHandover, slot: AppointmentSlot | None, acting_user, note: str = ""
) -> Appointment:
    """Book the owner into a window of the batch, move them to another, or (``slot`` None)
    cancel. The windows' rows are locked in id order, then their bookings counted."""
    ensure_may_work(acting_user, handover)
    if slot is not None and slot.batch_id != handover.batch_id:
        raise _invalid("slot", "slot_not_in_batch", _("This window is another batch's."))
    with transaction.atomic():
        handover = _locked(handover)
        now = timezone.now()
        _ensure_open(handover)
        current = SlotBooking.objects.filter(handover=handover).first()
        _lock_slots({s for s in (current and current.slot_id, slot and slot.pk) if s})
        _ensure_bookable(slot, current, now)
        appointment = Appointment.objects.create(
            handover=handover,
            slot=slot,
            note=(note or "").strip(),
            entered_at=now,
            entered_by=acting_user,
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


def qualification_record(
    *, handover: UnitHandover, id_checked: bool, contract_checked: bool, note: str, acting_user
) -> MoveInQualification:
    """入住资格确认: only with a valid (not revoked) payoff certificate for the contract, and
    the owner's ID and contract checked against it."""
    ensure_member(acting_user, handover.project)
    ensure_role(acting_user, QUALIFIERS, _("A manager or a clerk confirms move-in qualification."))
    if not (id_checked and contract_checked):
        raise _invalid(
            "id_checked", "checks_required", _("Check the owner's ID and contract first.")
        )
    with transaction.atomic():
        handover = _locked(handover)
        progress = _ensure_open(handover)
        if progress.qualified:
            raise Conflict(_("The owner is already qualified."), code="already_qualified")
        valid = ValidCertificate.objects.filter(contract_id=handover.contract_id).first()
        if valid is None:
            raise Conflict(
                _("Move-in needs a valid payoff certificate from finance."),
                code="payoff_required",
            )
        # A refund after the certificate makes it wrong: finance revokes it (not_paid_off).
        ensure_paid_off(handover.contract)
        return MoveInQualification.objects.create(
            handover=handover,
            certificate_id=valid.certificate_id,
            id_checked=True,
            contract_checked=True,
            note=(note or "").strip(),
            entered_at=timezone.now(),
            entered_by=acting_user,
        )


def inspection_record(*, handover: UnitHandover, note: str, acting_user) -> Inspection:
    """验房 with the owner; the defects found are added to it one by one."""
    ensure_may_work(acting_user, handover)
    with transaction.atomic():
        handover = _locked(handover)
        progress = _ensure_open(handover)
        _ensure_step_allowed(checklist.INSPECTION, progress)
        if progress.confirmed:
            raise Conflict(
                _("The owner already signed the confirmation."), code="already_confirmed"
            )
        return Inspection.objects.create(
            handover=handover,
            note=(note or "").strip(),
            entered_at=timezone.now(),
            entered_by=acting_user,
        )


@dataclass(frozen=True)
class DefectInput:
    location: str
    description: str
    severity: str
    photo: UploadedFile | None = None
    ticket_category: str = ""  # a department's queue opens a ticket; empty: no ticket


@dataclass(frozen=True)
class DefectResult:
    defect: Defect
    ticket: Ticket | None


def _clean_defect(data: DefectInput) -> DefectInput:
    location = _required(data.location, "location", "location_required", _("Say where."), 100)
    description = _required(
        data.description, "description", "description_required", _("Describe the defect."), 2000
    )
    if data.severity not in Severity.values:
        raise _invalid("severity", "unknown_severity", _("Choose how serious it is."))
    if data.ticket_category and data.ticket_category not in Category.values:
        raise _invalid("ticket_category", "unknown_category", _("Unknown department."))
    if data.photo is not None:
        try:
            check_photo(data.photo)
        except ValidationError as exc:
            raise _invalid("photo", exc.code or "photo_invalid", exc.messages[0]) from exc
    return DefectInput(location, description, data.severity, data.photo, data.ticket_category)


def defect_record(*, inspection: Inspection, data: DefectInput, acting_user) -> DefectResult:
    """A defect of an inspection, with its photo; with a department, the after-sales ticket
    for it is opened in the same step (through the after-sales app's own service)."""
    handover = inspection.handover
    ensure_may_work(acting_user, handover)
    data = _clean_defect(data)
    if data.ticket_category and not may_open_for(acting_user, handover.customer):
        raise NotPermitted(_("Only the customer's consultant, a clerk or a manager opens tickets."))
    stored: list = []
    try:
        with transaction.atomic():
            return _record_defect(inspection, data, acting_user, stored)
    except BaseException:
        for file in stored:  # the row was not kept: neither is its photo
            file.storage.delete(file.name)
        raise


def _record_defect(inspection: Inspection, data: DefectInput, acting_user, stored) -> DefectResult:
    handover = _locked(inspection.handover)
    progress = _ensure_open(handover)
    if not checklist.may_add_defects(progress):
        raise Conflict(
            _("Defects are recorded during the inspection, before the owner signs."),
            code="already_confirmed",
        )
    defect = Defect(
        inspection=inspection,
        handover=handover,
        location=data.location,
        description=data.description,
        severity=data.severity,
        entered_at=timezone.now(),
        entered_by=acting_user,
    )
    if data.photo is not None:
        # Stored under a random name (the owner's file name says nothing we need).
        defect.photo.save(f"{uuid.uuid4().hex}{photo_suffix(data.photo)}", data.photo, save=False)
        stored.append(defect.photo)
    defect.save()
    ticket = _defect_ticket(defect, handover, data.ticket_category, acting_user)
    return DefectResult(defect, ticket)


def _defect_ticket(defect: Defect, handover: UnitHandover, category: str, acting_user):
    if not category:
        return None
    title = f"{defect.location}:{defect.description.splitlines()[0]}"
    return ticket_open(
        data=TicketInput(
            customer=handover.customer,
            title=title,
            description=defect.description,
            origin=Origin.DEFECT,
            category=category,
            unit=handover.unit,
            source=Defect.TICKET_SOURCE,
            source_id=defect.pk,
        ),
        acting_user=acting_user,
    )


def confirmation_sign(
    *, handover: UnitHandover, signed_by: str, note: str, acting_user
) -> HandoverConfirmation:
    """交房确认单: the owner (or their proxy) accepts the unit and signs, after the inspection."""
    ensure_may_work(acting_user, handover)
    signed_by = _required(
        signed_by, "signed_by", "signer_required", _("Who signed the confirmation?"), 100
    )
    with transaction.atomic():
        handover = _locked(handover)
        progress = _ensure_open(handover)
        if progress.confirmed:
            raise Conflict(
                _("The owner already signed the confirmation."), code="already_confirmed"
            )
        _ensure_step_allowed(checklist.CONFIRMATION, progress)
        return HandoverConfirmation.objects.create(
            handover=handover,
            signed_by=signed_by,
            note=(note or "").strip(),
            entered_at=timezone.now(),
            entered_by=acting_user,
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
        raise _invalid(
            "key_count", "key_count_invalid", _("Between 1 and %(n)s keys.") % {"n": MAX_KEYS}
        )
    received_by = _required(
        received_by, "received_by", "receiver_required", _("Who received the keys?"), 100
    )
    with transaction.atomic():
        handover = _locked(handover)
        now = timezone.now()
        progress = _ensure_open(handover)
        _ensure_step_allowed(checklist.KEYS, progress)
        keys = KeyHandover.objects.create(
            handover=handover,
            key_count=key_count,
            received_by=received_by,
            note=(note or "").strip(),
            entered_at=now,
            entered_by=acting_user,
        )
        _mark_handed_over(handover.unit)
        visits, refused = _schedule_visits(handover, now, acting_user)
    return KeysResult(keys, visits, refused)


def _mark_handed_over(unit: Unit) -> None:
    unit = Unit.objects.get(pk=unit.pk)  # locked first by _locked
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

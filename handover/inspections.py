"""验房 with the owner: the inspection, then its defects one by one, each with its photo; a
defect given a department opens the after-sales ticket for it in the same step (through the
after-sales app's own service), until the owner signs the confirmation listing them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.models import Category, Origin, Ticket
from aftersales.services import TicketInput, may_open_for, ticket_open
from handover import checklist
from handover.inputs import invalid, required
from handover.models import Defect, Inspection, Severity, UnitHandover
from handover.photos import check_photo, photo_suffix
from handover.unit_steps import (
    ensure_may_work,
    ensure_not_confirmed,
    ensure_step_allowed,
    lock_open,
    step_row,
)
from salesoffice.errors import Conflict, NotPermitted


def inspection_record(*, handover: UnitHandover, note: str, acting_user) -> Inspection:
    """验房 with the owner; the defects found are added to it one by one."""
    ensure_may_work(acting_user, handover)
    with transaction.atomic():
        handover, progress = lock_open(handover)
        ensure_step_allowed(checklist.INSPECTION, progress)
        ensure_not_confirmed(progress)
        return step_row(Inspection, handover=handover, acting_user=acting_user, note=note)


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
    location = required(data.location, "location", "location_required", _("Say where."), 100)
    description = required(
        data.description, "description", "description_required", _("Describe the defect."), 2000
    )
    if data.severity not in Severity.values:
        raise invalid("severity", "unknown_severity", _("Choose how serious it is."))
    if data.ticket_category and data.ticket_category not in Category.values:
        raise invalid("ticket_category", "unknown_category", _("Unknown department."))
    if data.photo is not None:
        try:
            check_photo(data.photo)
        except ValidationError as exc:
            raise invalid("photo", exc.code or "photo_invalid", exc.messages[0]) from exc
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
    handover, progress = lock_open(inspection.handover)
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

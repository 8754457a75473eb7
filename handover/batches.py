"""Planning the handover (交房, seeds 000 and 002), a manager's work: a batch of a building (or
of some units) with its notice, where the owners come and what they bring, which gives each
unit with a live contract its handover; and the batch's appointment windows, each with its
capacity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from handover.access import BATCH_MAKERS, ensure_member, ensure_role
from handover.inputs import invalid, required
from handover.models import (
    AppointmentSlot,
    Document,
    HandoverBatch,
    UnitHandover,
    default_documents,
)
from orders.models import Contract, Unit
from projects.models import Project
from salesoffice.errors import Conflict

MAX_CAPACITY = 500


# -- batches -----------------------------------------------------------------------------------


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
    name = required(data.name, "name", "name_required", _("Name the batch."), 100)
    location = required(
        data.location, "location", "location_required", _("Say where the owners come."), 200
    )
    unknown = [d for d in data.documents if d not in Document.values]
    if unknown:
        raise invalid("documents", "unknown_document", _("Unknown document: %s.") % unknown[0])
    if not data.documents:
        raise invalid("documents", "documents_required", _("Say what the owners bring."))
    if bool(data.building.strip()) == bool(data.units):
        raise invalid("units", "units_required", _("Choose a building or some units."))
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
        raise invalid("units", "unit_mismatch", _("A unit is in another project."))
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


# -- appointment windows -----------------------------------------------------------------------


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
        raise invalid("ends_at", "slot_order", _("The window ends after it starts."))
    if isinstance(data.capacity, bool) or not 0 < data.capacity <= MAX_CAPACITY:
        raise invalid(
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

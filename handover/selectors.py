"""Reads of the handover app. Every list runs a constant number of queries: what a row needs is
joined, annotated or prefetched, never fetched per row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.models import Ticket
from attribution.windows import day_bounds, local_day
from handover.checklist import Progress
from handover.models import (
    AppointmentSlot,
    Defect,
    HandoverBatch,
    Inspection,
    KeyHandover,
    PayoffCertificate,
    UnitHandover,
    ValidCertificate,
)
from orders.balances import ZERO
from orders.models import Contract, ContractCancellation, Payment
from projects.access import display_name, has_role, projects_of
from projects.models import Project
from projects.roles import Role
from salesoffice.errors import DomainError, NotFound

MONEY = DecimalField(max_digits=14, decimal_places=2)

# -- certificates ------------------------------------------------------------------------------


def with_payoff_state(contracts: QuerySet) -> QuerySet:
    """Contracts with what the payoff button needs, in the same query: ``payoff_outstanding``
    (price − deposit − payments), ``payoff_cancelled`` and the valid certificate, if any."""
    paid = (
        Payment.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    cancelled = ContractCancellation.objects.filter(contract=OuterRef("pk"))
    return (
        contracts.annotate(payoff_paid=Coalesce(Subquery(paid), Value(ZERO), output_field=MONEY))
        .annotate(
            payoff_outstanding=F("price") - F("subscription__deposit") - F("payoff_paid"),
            payoff_cancelled=Exists(cancelled),
        )
        .select_related("valid_certificate__certificate")
    )


def awaiting_certificate(project: Project) -> QuerySet:
    """Contracts fully paid, not cancelled, with no valid certificate: finance's to-do."""
    contracts = Contract.objects.filter(project=project).select_related(
        "subscription__customer", "subscription__unit", "subscription__consultant"
    )
    return (
        with_payoff_state(contracts)
        .filter(payoff_outstanding=0, payoff_cancelled=False, valid_certificate__isnull=True)
        .order_by("signed_at", "id")
    )


def certificates_of(project: Project) -> QuerySet:
    return (
        PayoffCertificate.objects.filter(project=project)
        .select_related(
            "contract__subscription__customer",
            "contract__subscription__unit",
            "entered_by",
            "revocation__entered_by",
        )
        .order_by("-entered_at", "-id")
    )


def contract_for(user, pk: int) -> Contract:
    contract = (
        Contract.objects.filter(pk=pk, project__in=projects_of(user))
        .select_related("project", "subscription__customer__household", "subscription__unit")
        .first()
    )
    if contract is None:
        raise NotFound()
    return contract


def certificate_for(user, number: str) -> PayoffCertificate:
    """By number, among the caller's projects (another project's is not found)."""
    certificate = (
        PayoffCertificate.objects.filter(number=number, project__in=projects_of(user))
        .select_related(
            "project",
            "contract__subscription__customer__household",
            "contract__subscription__unit",
            "entered_by",
            "revocation__entered_by",
        )
        .first()
    )
    if certificate is None:
        raise NotFound()
    return certificate


def certificate_by_code(code: str) -> PayoffCertificate | None:
    """The public verify page's only read: by the unguessable code, one indexed query."""
    if not code or len(code) > 64:
        return None
    return (
        PayoffCertificate.objects.filter(verify_code=code)
        .select_related(
            "project", "contract__subscription__customer", "contract__subscription__unit"
        )
        .select_related("revocation")
        .first()
    )


# -- handovers ---------------------------------------------------------------------------------


def batches_of(project: Project) -> QuerySet:
    return HandoverBatch.objects.filter(project=project).annotate(
        unit_count=Count("handovers", distinct=True),
        slot_count=Count("slots", distinct=True),
    )


def batch_for(user, pk: int) -> HandoverBatch:
    batch = HandoverBatch.objects.filter(pk=pk, project__in=projects_of(user)).first()
    if batch is None:
        raise NotFound()
    return batch


def slot_of(handover: UnitHandover, pk: int) -> AppointmentSlot:
    """A window of the handover's project (another batch's is refused by the service)."""
    slot = AppointmentSlot.objects.filter(pk=pk, batch__project_id=handover.project_id).first()
    if slot is None:
        message = _("Unknown window.")
        raise DomainError(message, code="unknown_slot", fields={"slot": [message]})
    return slot


def slots_of(batch: HandoverBatch) -> list[AppointmentSlot]:
    """The batch's slots with how many are booked in each."""
    return list(batch.slots.annotate(booked=Count("bookings")).order_by("starts_at", "id"))


def handover_rows(queryset: QuerySet) -> QuerySet:
    """Handovers with every step a row of the desk shows: joined or prefetched, one query per
    kind of step whatever the number of rows."""
    return queryset.select_related(
        "unit",
        "customer",
        "contract__subscription__consultant",
        "batch",
        "booking__slot",
        "qualification__certificate",
        "confirmation",
        "keys__entered_by",
    ).annotate(inspection_count=_count_of(Inspection), defect_count=_count_of(Defect))


def _count_of(model) -> Coalesce:
    """How many rows of ``model`` a handover has, as a subquery: no GROUP BY over the row's
    joins (which would also drop the model's ordering)."""
    rows = (
        model.objects.filter(handover=OuterRef("pk"))
        .order_by()
        .values("handover")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0))


def visible_handovers(user, project: Project) -> QuerySet:
    """Office staff see every handover of the project; a consultant the deals they closed."""
    handovers = UnitHandover.objects.filter(project=project)
    if not has_role(user, Role.CLERK, Role.MANAGER):
        handovers = handovers.filter(contract__subscription__consultant=user)
    return handovers


def todays_appointments(handovers: QuerySet, project: Project, now: datetime) -> QuerySet:
    start, end = day_bounds(local_day(now, project.tzinfo), project.tzinfo)
    return handover_rows(
        handovers.filter(booking__slot__starts_at__gte=start, booking__slot__starts_at__lte=end)
    ).order_by("booking__slot__starts_at", "id")


def handover_for(user, pk: int) -> UnitHandover:
    handover = (
        UnitHandover.objects.filter(pk=pk, project__in=projects_of(user))
        .select_related(
            "project",
            "batch",
            "unit",
            "customer__household",
            "contract__subscription__customer__household",
            "contract__subscription__consultant",
            "booking__slot",
            "qualification__certificate",
            "qualification__entered_by",
            "confirmation__entered_by",
            "keys__entered_by",
        )
        .first()
    )
    if handover is None:
        raise NotFound()
    return handover


def defects_with_tickets(handover: UnitHandover) -> list[tuple[Defect, Ticket | None]]:
    """The handover's defects and the after-sales ticket each opened, in two queries."""
    defects = list(handover.defects.select_related("entered_by").order_by("entered_at", "id"))
    tickets = Ticket.objects.filter(
        source=Defect.TICKET_SOURCE, source_id__in=[d.pk for d in defects]
    )
    by_defect = {t.source_id: t for t in tickets}
    return [(d, by_defect.get(d.pk)) for d in defects]


def handover_inspections(handover: UnitHandover):
    return handover.inspections.select_related("entered_by").prefetch_related(
        Prefetch("defects", queryset=Defect.objects.order_by("entered_at", "id"))
    )


@dataclass(frozen=True)
class SlotChoice:
    slot: AppointmentSlot
    booked: int

    @property
    def free(self) -> int:
        return max(self.slot.capacity - self.booked, 0)


def slot_choices(handover: UnitHandover, now: datetime) -> list[SlotChoice]:
    """The batch's slots still ahead, with their free places."""
    slots = (
        handover.batch.slots.filter(ends_at__gt=now)
        .annotate(booked=Count("bookings", filter=~Q(bookings__handover=handover)))
        .order_by("starts_at")
    )
    return [SlotChoice(s, s.booked) for s in slots]


def progress_of(handover: UnitHandover) -> Progress:
    """Where a handover stands, from its steps (joined by ``handover_rows``/``handover_for``;
    a reverse one-to-one that is absent reads as None)."""
    inspections = getattr(handover, "inspection_count", None)
    if inspections is None:
        inspections = handover.inspections.count()
    return Progress(
        qualified=getattr(handover, "qualification", None) is not None,
        inspected=inspections > 0,
        confirmed=getattr(handover, "confirmation", None) is not None,
        keys=getattr(handover, "keys", None) is not None,
    )


def valid_certificate_of(contract: Contract) -> PayoffCertificate | None:
    valid = ValidCertificate.objects.filter(contract=contract).select_related("certificate").first()
    return valid.certificate if valid else None


def defect_for(user, pk: int) -> Defect:
    defect = Defect.objects.filter(pk=pk, handover__project__in=projects_of(user)).first()
    if defect is None:
        raise NotFound()
    return defect


# -- a handover's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    kind: str  # notice, appointment, cancellation, qualification, inspection, defect, …
    at: datetime
    by: object  # the user who entered it
    detail: str


def handover_history(handover: UnitHandover) -> list[HistoryEntry]:
    """Every step of the handover, oldest first: one query per kind of step."""
    entries = [
        HistoryEntry("notice", n.entered_at, n.entered_by, n.get_channel_display())
        for n in handover.notices.select_related("entered_by")
    ]
    for a in handover.appointments.select_related("entered_by", "slot"):
        kind = "appointment" if a.slot else "cancellation"
        entries.append(HistoryEntry(kind, a.entered_at, a.entered_by, a.slot and a.slot.starts_at))
    entries += [
        HistoryEntry("inspection", i.entered_at, i.entered_by, i.note)
        for i in handover.inspections.select_related("entered_by")
    ]
    entries += [
        HistoryEntry("defect", d.entered_at, d.entered_by, f"{d.location}: {d.description}")
        for d in handover.defects.select_related("entered_by")
    ]
    entries += _once_only_steps(handover)
    return sorted(entries, key=lambda e: e.at)


def _once_only_steps(handover: UnitHandover) -> list[HistoryEntry]:
    """The steps joined with the handover (``handover_for``): no query."""
    found = []
    qualification = getattr(handover, "qualification", None)
    if qualification:
        found.append(_entry("qualification", qualification, qualification.certificate.number))
    confirmation = getattr(handover, "confirmation", None)
    if confirmation:
        found.append(_entry("confirmation", confirmation, confirmation.signed_by))
    keys = getattr(handover, "keys", None)
    if keys:
        found.append(_entry("keys", keys, f"{keys.key_count} · {keys.received_by}"))
    return found


def _entry(kind: str, event, detail: str) -> HistoryEntry:
    return HistoryEntry(kind, event.entered_at, event.entered_by, detail)


# -- the handover confirmation as printed ------------------------------------------------------

# The printed document is Chinese by design (a paper the owner signs).
SEVERITY_PRINTED = {"minor": "一般", "major": "较重", "critical": "严重"}


@dataclass(frozen=True)
class DefectLine:
    location: str
    description: str
    severity: str
    ticket: str


@dataclass(frozen=True)
class ConfirmationDocument:
    number: str
    company: str
    project: str
    customer: str
    unit: str
    area: Decimal
    contract_number: str
    location: str
    certificate: str
    inspected_on: object
    defects: tuple[DefectLine, ...]
    signed_by: str
    signed_on: object
    staff: str
    keys: KeyHandover | None
    handover_id: int


def confirmation_document(handover: UnitHandover) -> ConfirmationDocument:
    tz = handover.project.tzinfo
    confirmation = handover.confirmation
    inspections = list(handover.inspections.order_by("entered_at"))
    keys = getattr(handover, "keys", None)
    return ConfirmationDocument(
        number=f"{handover.project.code}-JF-{handover.pk:06d}",
        company=handover.project.company_name or handover.project.name,
        project=handover.project.name,
        customer=handover.customer.name,
        unit=str(handover.unit),
        area=handover.unit.area,
        contract_number=handover.contract.number,
        location=handover.batch.location,
        certificate=handover.qualification.certificate.number,
        inspected_on=timezone.localdate(inspections[-1].entered_at, tz) if inspections else None,
        defects=tuple(
            DefectLine(
                d.location, d.description, SEVERITY_PRINTED[d.severity], t.number if t else ""
            )
            for d, t in defects_with_tickets(handover)
        ),
        signed_by=confirmation.signed_by,
        signed_on=timezone.localdate(confirmation.entered_at, tz),
        staff=display_name(confirmation.entered_by),
        keys=keys,
        handover_id=handover.pk,
    )

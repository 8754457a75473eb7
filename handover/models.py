"""The payoff certificate (房款付清证明) and the handover of the keys (交房), DOMAIN.md §9 and
seeds 000, 002 and 003.

Every fact is an append-only ledger row (``LedgerEvent``: who entered it and when). The only
rows that change are *holding* rows, which let the database itself enforce a rule about what is
in force now, as ``orders.UnitHold`` does for a unit's live deal: ``ValidCertificate`` (one valid
certificate per contract; a revocation removes it, a re-issue adds one) and ``SlotBooking`` (the
slot a handover is booked in, counted against the slot's capacity).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.ledger import LedgerEvent
from projects.models import Project

# -- the payoff certificate ------------------------------------------------------------------


class PayoffCertificate(LedgerEvent):
    """One issued certificate: its number, its verification code and the PDF as issued (the
    same bytes are served every time). Issued by ``entered_by`` at ``entered_at``."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "orders.Contract", on_delete=models.PROTECT, related_name="payoff_certificates"
    )
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("certificate number"), max_length=40)
    # secrets.token_urlsafe(16): 128 random bits, the only key of the public verify page.
    verify_code = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(_("amount certified"), max_digits=14, decimal_places=2)
    pdf = models.FileField(upload_to="certificates/%Y/%m/")

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("payoff certificate")
        verbose_name_plural = _("payoff certificates")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="certificate_number_unique"),
            models.UniqueConstraint(
                fields=["project", "sequence"], name="certificate_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CertificateRevocation(LedgerEvent):
    """作废: the certificate stays, marked revoked from ``entered_at``, with the reason."""

    certificate = models.OneToOneField(
        PayoffCertificate, on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("certificate revocation")
        verbose_name_plural = _("certificate revocations")

    def __str__(self) -> str:
        return f"{self.certificate} revoked"


class ValidCertificate(models.Model):
    """The certificate in force for a contract. The one-to-one on ``contract`` is the
    database's guarantee that a contract never has two valid certificates, whatever raced."""

    contract = models.OneToOneField(
        "orders.Contract", on_delete=models.PROTECT, related_name="valid_certificate"
    )
    certificate = models.OneToOneField(
        PayoffCertificate, on_delete=models.PROTECT, related_name="validity"
    )

    class Meta:
        verbose_name = _("valid certificate")
        verbose_name_plural = _("valid certificates")

    def __str__(self) -> str:
        return f"{self.contract_id} → {self.certificate_id}"


# -- handover batches, their notice and appointment slots --------------------------------------


class Document(models.TextChoices):
    """What the owner brings to the handover (seed 000: 身份证、购房合同; seed 002: 付清证明)."""

    ID_CARD = "id_card", _("ID card")
    CONTRACT = "contract", _("Purchase contract")
    PAYOFF_CERTIFICATE = "payoff_certificate", _("Payoff certificate")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney (when someone else comes)")


DEFAULT_DOCUMENTS = [Document.ID_CARD, Document.CONTRACT, Document.PAYOFF_CERTIFICATE]


def default_documents() -> list[str]:
    return [str(d) for d in DEFAULT_DOCUMENTS]


class HandoverBatch(models.Model):
    """A handover of a building or of some units (交房批次), with its notice: where to come and
    what to bring. Its appointment slots say when."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("place"), max_length=200)
    documents = models.JSONField(_("documents to bring"), default=default_documents)
    notice = models.TextField(_("notice"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("handover batch")
        verbose_name_plural = _("handover batches")

    def __str__(self) -> str:
        return self.name


class AppointmentSlot(models.Model):
    """A time window of a batch and how many units it takes."""

    batch = models.ForeignKey(HandoverBatch, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_order"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="slot_capacity_positive"),
            models.UniqueConstraint(fields=["batch", "starts_at"], name="slot_unique_start"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="slot_start")]

    def __str__(self) -> str:
        return f"{self.batch} {self.starts_at:%Y-%m-%d %H:%M}"


# -- one unit's handover and its steps ---------------------------------------------------------


class UnitHandover(LedgerEvent):
    """A unit of a batch, handed over under its contract to its owner: the steps hang on it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(HandoverBatch, on_delete=models.PROTECT, related_name="handovers")
    unit = models.ForeignKey("orders.Unit", on_delete=models.PROTECT, related_name="handovers")
    contract = models.OneToOneField(
        "orders.Contract", on_delete=models.PROTECT, related_name="handover"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="handovers"
    )

    class Meta:
        ordering = ["unit__building", "unit__unit", "unit__room", "id"]
        verbose_name = _("unit handover")
        verbose_name_plural = _("unit handovers")

    def __str__(self) -> str:
        return f"{self.unit} · {self.customer}"


class NoticeChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class HandoverNotice(LedgerEvent):
    """The owner was told of the handover (交房通知): by which channel."""

    handover = models.ForeignKey(UnitHandover, on_delete=models.PROTECT, related_name="notices")
    channel = models.CharField(_("channel"), max_length=12, choices=NoticeChannel.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("handover notice")
        verbose_name_plural = _("handover notices")


class Appointment(LedgerEvent):
    """A booking of a slot for the owner, or (without a slot) its cancellation."""

    handover = models.ForeignKey(
        UnitHandover, on_delete=models.PROTECT, related_name="appointments"
    )
    slot = models.ForeignKey(
        AppointmentSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")


class SlotBooking(models.Model):
    """The slot a handover is booked in now (the latest appointment): counted against the
    slot's capacity under the slot's row lock."""

    handover = models.OneToOneField(UnitHandover, on_delete=models.PROTECT, related_name="booking")
    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="bookings")
    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("slot booking")
        verbose_name_plural = _("slot bookings")

    def __str__(self) -> str:
        return f"{self.handover_id} in {self.slot_id}"


class MoveInQualification(LedgerEvent):
    """入住资格确认: the owner holds a valid payoff certificate (seed 002, F9 → B10) and was
    checked against their ID and contract."""

    handover = models.OneToOneField(
        UnitHandover, on_delete=models.PROTECT, related_name="qualification"
    )
    certificate = models.ForeignKey(PayoffCertificate, on_delete=models.PROTECT, related_name="+")
    id_checked = models.BooleanField(_("ID checked"))
    contract_checked = models.BooleanField(_("contract checked"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("move-in qualification")
        verbose_name_plural = _("move-in qualifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(id_checked=True, contract_checked=True),
                name="qualification_checked",
            )
        ]


class Inspection(LedgerEvent):
    """验房: the owner walks the unit with staff; what they find is recorded as defects."""

    handover = models.ForeignKey(UnitHandover, on_delete=models.PROTECT, related_name="inspections")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class Defect(LedgerEvent):
    """One defect found in an inspection. Its after-sales ticket, when one was opened, names
    it (``Ticket.source = "handover.defect"``, ``source_id`` = this id)."""

    TICKET_SOURCE = "handover.defect"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="defects")
    handover = models.ForeignKey(UnitHandover, on_delete=models.PROTECT, related_name="defects")
    location = models.CharField(_("where"), max_length=100)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    photo = models.FileField(_("photo"), upload_to="handover/defects/%Y/%m/", blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("defect")
        verbose_name_plural = _("defects")

    def __str__(self) -> str:
        return f"{self.location}: {self.description[:40]}"


class HandoverConfirmation(LedgerEvent):
    """交房确认单, signed by the owner (or their proxy) when they accept the unit; the defects
    recorded so far are listed on it as open items."""

    handover = models.OneToOneField(
        UnitHandover, on_delete=models.PROTECT, related_name="confirmation"
    )
    signed_by = models.CharField(_("signed by"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("handover confirmation")
        verbose_name_plural = _("handover confirmations")


class KeyHandover(LedgerEvent):
    """The keys, handed by ``entered_by`` at ``entered_at`` to ``received_by``."""

    handover = models.OneToOneField(UnitHandover, on_delete=models.PROTECT, related_name="keys")
    key_count = models.PositiveSmallIntegerField(_("number of keys"))
    received_by = models.CharField(_("received by"), max_length=100)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("key handover")
        verbose_name_plural = _("key handovers")
        constraints = [
            models.CheckConstraint(condition=Q(key_count__gt=0), name="keys_at_least_one")
        ]

"""Disputes (撞单 / 抢单) as cases, their steps as ledger events, and the violations ledger."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.ledger import LedgerEvent
from projects.models import Project


class DisputeKind(models.TextChoices):
    MANUAL = "manual", _("Opened by a consultant or manager")
    SAME_DAY = "same_day_collision", _("Same-day collision (A1)")
    DEAL = "deal_collision", _("Subscription by someone other than the owner (A8)")


class DisputeState(models.TextChoices):
    OPEN = "open", _("Open")
    REVIEWED = "reviewed", _("Reviewed by a supervisor")
    RULED = "ruled", _("Ruled")
    APPEALED = "appealed", _("Appealed")
    FINAL = "final", _("Finally ruled")


# Until these end the household is ``disputed`` (a ruled dispute is closed unless appealed).
OPEN_STATES = (DisputeState.OPEN, DisputeState.REVIEWED, DisputeState.APPEALED)


class Dispute(models.Model):
    """A case on one household: its state moves, its steps are kept as events (DisputeStep)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="disputes")
    household = models.ForeignKey(
        "customers.Household", on_delete=models.PROTECT, related_name="disputes"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The household's member the dispute is recorded on (its anchor)."),
    )
    kind = models.CharField(max_length=24, choices=DisputeKind.choices, default=DisputeKind.MANUAL)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claimed_disputes"
    )
    owner_at_opening = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="defended_disputes",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_disputes"
    )
    opened_at = models.DateTimeField(_("opened at"))
    reason = models.TextField(_("reason"))
    attribution_at_opening = models.JSONField(_("verdict at opening"))
    subscription = models.ForeignKey(
        "orders.Subscription", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registration = models.ForeignKey(
        "customers.Registration", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DisputeState.choices, default=DisputeState.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["project", "state"], name="dispute_project_state")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_state_display()}"

    @property
    def parties(self) -> set[int]:
        """Who may not rule on it: the claimant, the owner at opening, whoever opened it. A
        dispute the rules opened (a collision) was opened by nobody: whoever happened to enter
        the registration or the deal that collided is no party for that."""
        opener = self.opened_by_id if self.kind == DisputeKind.MANUAL else None
        return {self.claimant_id, self.owner_at_opening_id, opener} - {None}


class DisputeEvidence(models.Model):
    """An uploaded file or a note backing a dispute; kept, never replaced."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="disputes/%Y/%m/", blank=True)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.filename or self.note[:40]

    @property
    def filename(self) -> str:
        """The name as uploaded, without the storage's folders."""
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class StepKind(models.TextChoices):
    REVIEW = "review", _("Supervisor review")
    RULING = "ruling", _("Ruling")
    APPEAL = "appeal", _("Appeal")
    FINAL_RULING = "final_ruling", _("Final ruling")


class DisputeStep(LedgerEvent):
    """A review, ruling, appeal or final ruling: append-only, with who and when."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    note = models.TextField(_("reason"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For rulings: who owns the household from now."),
    )
    template = models.CharField(_("ruling template"), max_length=32, blank=True)
    shares = models.JSONField(_("commission shares"), default=list, blank=True)
    violations = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("dispute step")
        verbose_name_plural = _("dispute steps")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.kind}"


class ViolationKind(models.TextChoices):
    LATE_ENTRY = "late_entry", _("Late entry")
    UNREGISTERED = "unregistered_reception", _("Unregistered reception")
    TAMPERING = "record_tampering", _("Record tampering")
    POACHING = "poaching", _("Poaching")
    REJECTED_APPEAL = "rejected_appeal", _("Rejected appeal")
    OVERTURNED_RULING = "overturned_ruling", _("Overturned ruling")
    COMPLAINT = "complaint", _("Customer complaint")
    UNCOOPERATIVE = "uncooperative", _("Not cooperating with the clerk")


class Violation(LedgerEvent):
    """违规: created by the rules and rulings (never typed freely), with the policy's amount."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="violations")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="violations"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ViolationKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    occurred_at = models.DateTimeField(_("occurred at"))
    source = models.CharField(
        _("source"), max_length=40, help_text=_("What recorded it, e.g. dispute:12, reception:7.")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        constraints = [
            # The same rule applied twice to the same source records one violation.
            models.UniqueConstraint(fields=["staff", "kind", "source"], name="violation_once")
        ]
        indexes = [models.Index(fields=["project", "occurred_at"], name="violation_month")]

    def __str__(self) -> str:
        return f"{self.staff} {self.kind} {self.amount}"


class ViolationWithdrawal(LedgerEvent):
    """A violation taken back: the final ruling on an appeal did not repeat what the first
    ruling recorded. The violation stays in the ledger; the reports leave it out."""

    violation = models.OneToOneField(Violation, on_delete=models.PROTECT, related_name="withdrawal")
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("violation withdrawal")
        verbose_name_plural = _("violation withdrawals")

    def __str__(self) -> str:
        return f"{self.violation} withdrawn"

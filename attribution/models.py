from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from attribution.policy import Policy, build_policy
from customers.ledger import LedgerEvent
from projects.models import Project


class PolicyVersion(LedgerEvent):
    """One version of a project's attribution policy; it applies from ``effective_at``."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="policy_versions")
    number = models.PositiveIntegerField(_("version"))
    effective_at = models.DateTimeField(_("effective from"))
    preset = models.CharField(_("preset"), max_length=32, blank=True)
    params = models.JSONField(_("parameters"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project.code} v{self.number}"

    @property
    def policy(self) -> Policy:
        return build_policy(overrides=self.params)


class PendingClaim(LedgerEvent):
    """A4: a consultant claims a pending household with evidence; a manager decides."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "customers.Household", on_delete=models.PROTECT, related_name="pending_claims"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The household's member the claim is recorded on."),
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pending_claims"
    )
    evidence = models.TextField(_("evidence"))

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("pending claim")
        verbose_name_plural = _("pending claims")

    def __str__(self) -> str:
        return f"{self.consultant} claims {self.household_id}"


class PendingClaimDecision(LedgerEvent):
    claim = models.OneToOneField(PendingClaim, on_delete=models.PROTECT, related_name="decision")
    approve = models.BooleanField(_("approved"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("pending claim decision")
        verbose_name_plural = _("pending claim decisions")

    def __str__(self) -> str:
        return f"{self.claim_id}: {'approved' if self.approve else 'denied'}"


class AssignmentRule(models.TextChoices):
    RULING = "M", _("Manager ruling")
    REASSIGNMENT = "A11", _("Reassignment after a complaint")
    POOL = "A14", _("Taken from the public pool")
    DEPARTURE = "A12", _("Released when the consultant left")


class Assignment(LedgerEvent):
    """An act that sets a household's owner from ``effective_at``: a ruling (M), a reassignment
    (A11), a take or redistribution from the pool (A14), or a departure's release (A12)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "customers.Household", on_delete=models.PROTECT, related_name="assignments"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=4, choices=AssignmentRule.choices)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        help_text=_("The new owner; for a departure, who left."),
    )
    effective_at = models.DateTimeField(_("effective from"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["effective_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["consultant", "rule", "entered_at"], name="assignment_takes")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.household_id} → {self.consultant}"


class HouseholdState(models.Model):
    """The engine's latest answer per household, kept for lists, quotas and reminders.

    Detail answers always come from the engine itself. Lists read this table with the
    expiry in the condition (``expires_at >= now``), so a lapse shows before the job runs.
    """

    household = models.OneToOneField(
        "customers.Household", on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_states",
    )
    status = models.CharField(_("status"), max_length=10)
    since = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_contact_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("household status")
        verbose_name_plural = _("household statuses")
        indexes = [
            models.Index(fields=["owner", "status", "expires_at"], name="state_owner_expiry"),
            models.Index(fields=["project", "status", "expires_at"], name="state_project_status"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.status}"


class RotationState(models.TextChoices):
    FREE = "free", _("Free")
    BUSY = "busy", _("With a customer")
    AWAY = "away", _("Away")


class RosterEntry(models.Model):
    """A consultant's place in one day's rotation (轮序) at one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_entries"
    )
    position = models.PositiveIntegerField(_("position"))
    state = models.CharField(
        _("state"), max_length=8, choices=RotationState.choices, default=RotationState.FREE
    )
    received = models.PositiveIntegerField(_("walk-ins received"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "date", "position"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "date", "consultant"], name="roster_unique_consultant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} #{self.position} {self.consultant}"


class Reception(models.Model):
    """A walk-in received by a consultant; it must be registered by ``register_by``."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receptions"
    )
    received_at = models.DateTimeField(_("received at"))
    register_by = models.DateTimeField(_("register by"))
    phone = models.CharField(_("visitor's mobile"), max_length=11, blank=True)
    own_customer = models.BooleanField(
        _("the consultant's own customer"), default=False, help_text=_("Consumes no turn.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField(_("flagged unregistered at"), null=True, blank=True)
    # Registrations are append-only, so a reception recorded after the fact for an existing
    # registration (the desk forgot to receive the walk-in) is linked from this side.
    recorded_for = models.OneToOneField(
        "customers.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_reception",
        help_text=_("The registration this reception was recorded for after the fact."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")
        indexes = [models.Index(fields=["project", "received_at"], name="reception_day")]

    def __str__(self) -> str:
        return f"{self.consultant} {self.received_at:%Y-%m-%d %H:%M}"

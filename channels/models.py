"""渠道报备 (A13): channel agreements, the agents' reports, visit confirmations with their three
signatures (三方确认), the ends of reports that never became confirmations, and skimming flags.

Everything but the agreement is a ledger fact: appended, never changed. A report's status is
read from its facts and the time (``ChannelReport.status_at``), never stored, so it cannot go
stale when a job runs late.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.ledger import LedgerEvent
from customers.models import Gender
from projects.models import Project


class ChannelAgreement(models.Model):
    """A channel company's contract with a project: its commission share while in force."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="channel_agreements"
    )
    channel_name = models.CharField(_("channel company"), max_length=100)
    share_percent = models.DecimalField(_("commission share (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "channel_name", "-valid_from"]
        verbose_name = _("channel agreement")
        verbose_name_plural = _("channel agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(share_percent__gte=0, share_percent__lte=100),
                name="channel_agreement_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="channel_agreement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel_name} @ {self.project.code}: {self.share_percent}%"


class ReportStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    CONFIRMED = "confirmed", _("Visit confirmed")
    LAPSED = "lapsed", _("Lapsed")
    INVALID = "invalid", _("Invalid")
    REFUSED = "refused", _("Refused")


class ChannelReport(LedgerEvent):
    """A report (报备) as the agent made it; a refused one is kept with its refusal code."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="channel_reports")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="channel_reports"
    )
    channel_name = models.CharField(_("channel company"), max_length=100)
    name = models.CharField(_("customer name as reported"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    phone_visible = models.CharField(
        _("visible phone as reported"), max_length=32, blank=True, help_text="138****8000"
    )
    # The visible digits, for matching: a phone matches when it starts and ends with them.
    phone_head = models.CharField(max_length=11, blank=True)
    phone_tail = models.CharField(max_length=11, blank=True)
    reported_at = models.DateTimeField(_("reported at"))
    attributed_at = models.DateTimeField(
        _("counts from"),
        help_text=_("The report time if entered promptly, otherwise the entry time."),
    )
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    refusal_code = models.CharField(_("refusal"), max_length=32, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site_customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The site's customer the phone matched: a returning customer from the pool, or the "
            "live claim that refused the report. Never shown to the agent."
        ),
    )

    class Meta:
        ordering = ["-attributed_at", "-id"]
        verbose_name = _("channel report")
        verbose_name_plural = _("channel reports")
        indexes = [
            models.Index(fields=["project", "name"], name="channel_report_name"),
            models.Index(fields=["project", "phone_tail"], name="channel_report_tail"),
            models.Index(fields=["agent", "attributed_at"], name="channel_report_agent"),
            models.Index(fields=["project", "attributed_at"], name="channel_report_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_name} {self.name} {self.phone_visible}"

    @property
    def refused(self) -> bool:
        return bool(self.refusal_code)

    def status_at(self, now: datetime) -> str:
        """valid → confirmed, lapsed (no visit in time) or invalid (a mismatching visit).

        Reads ``confirmation`` and ``ends``: prefetch them for lists."""
        if self.refused:
            return ReportStatus.REFUSED
        if getattr(self, "confirmation", None) is not None:
            return ReportStatus.CONFIRMED
        if any(end.outcome == ReportEndOutcome.INVALID for end in self.ends.all()):
            return ReportStatus.INVALID
        if self.valid_until is not None and now > self.valid_until:
            return ReportStatus.LAPSED
        return ReportStatus.VALID

    def invalid_end(self):
        return next((e for e in self.ends.all() if e.outcome == ReportEndOutcome.INVALID), None)


class VisitConfirmation(LedgerEvent):
    """到访确认: the reported customer's visit, registered in time and matching the report.
    The channel is protected from the visit (``protected_until``); ``entered_at`` is when
    the front desk confirmed it."""

    report = models.OneToOneField(
        ChannelReport, on_delete=models.PROTECT, related_name="confirmation"
    )
    registration = models.OneToOneField(
        "customers.Registration",
        on_delete=models.PROTECT,
        related_name="channel_confirmation",
        help_text=_("One visit confirms one report."),
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="channel_confirmations"
    )
    visit_at = models.DateTimeField(_("visit at"))
    protected_until = models.DateTimeField(_("protected until"))

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("visit confirmation")
        verbose_name_plural = _("visit confirmations")

    def __str__(self) -> str:
        return f"{self.report} visited {self.visit_at:%Y-%m-%d}"

    @property
    def confirmed_at(self) -> datetime:
        return self.entered_at


class SignatureParty(models.TextChoices):
    AGENT = "agent", _("Channel agent")
    DESK = "desk", _("Front desk")
    MANAGER = "manager", _("Manager")


class ConfirmationSignature(LedgerEvent):
    """One of the three signatures of 三方确认: agent, front desk, manager (who and when)."""

    confirmation = models.ForeignKey(
        VisitConfirmation, on_delete=models.PROTECT, related_name="signatures"
    )
    party = models.CharField(_("signed as"), max_length=8, choices=SignatureParty.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("confirmation signature")
        verbose_name_plural = _("confirmation signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["confirmation", "party"], name="confirmation_signature_party"
            ),
            # Three parties means three people: nobody signs twice in two roles.
            models.UniqueConstraint(
                fields=["confirmation", "signer"], name="confirmation_signature_signer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.confirmation_id} {self.party} {self.signer}"

    @property
    def signed_at(self) -> datetime:
        return self.entered_at


class ReportEndOutcome(models.TextChoices):
    LAPSED = "lapsed", _("Lapsed without a visit")
    INVALID = "invalid", _("Invalid: the visit did not match")


class ReportEnd(LedgerEvent):
    """A valid report that ended without a confirmation: it lapsed (no visit in time; written
    by the lapse job or a late visit) or it was made invalid by a mismatching visit."""

    report = models.ForeignKey(ChannelReport, on_delete=models.PROTECT, related_name="ends")
    outcome = models.CharField(_("outcome"), max_length=8, choices=ReportEndOutcome.choices)
    code = models.CharField(_("code"), max_length=32)
    registration = models.ForeignKey(
        "customers.Registration", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("end of a channel report")
        verbose_name_plural = _("ends of channel reports")
        constraints = [
            models.UniqueConstraint(fields=["report", "outcome"], name="report_end_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.outcome}"


class SkimmingFlag(LedgerEvent):
    """A report for a visitor the site received before the report (§5: 飞单 / skimming):
    the reception (or the visit's registration) it matched, for the managers."""

    report = models.ForeignKey(
        ChannelReport, on_delete=models.PROTECT, related_name="skimming_flags"
    )
    reception = models.ForeignKey(
        "attribution.Reception",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="skimming_flags",
    )
    registration = models.ForeignKey(
        "customers.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="skimming_flags",
    )
    received_at = models.DateTimeField(_("received on site at"))

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("skimming flag")
        verbose_name_plural = _("skimming flags")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reception__isnull=False) | models.Q(registration__isnull=False),
                name="skimming_flag_names_the_visit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} received {self.received_at:%Y-%m-%d %H:%M}"

from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}, code="timezone")


class Project(models.Model):
    """One sales site (项目 / 案场) with its own staff, rotation, inventory and policy."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    company_name = models.CharField(_("developer company"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Membership(models.Model):
    """A person's place in a project's staff; the role itself is the user's group."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    claim_quota = models.PositiveIntegerField(
        _("own claim quota"),
        null=True,
        blank=True,
        help_text=_("Overrides the project's claim quota for this consultant (A9)."),
    )
    channel_name = models.CharField(
        _("channel company"), max_length=100, blank=True, help_text=_("For channel agents.")
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], name="membership_unique_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.project.code}"


class Notification(models.Model):
    """An in-app message to one person (also e-mailed); ``key`` makes scheduled ones idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"


class ExportLog(models.Model):
    """Every export of office data (XLSX of reports, statements, sheets): who, what, when."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("export"), max_length=60)
    params = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    exported_at = models.DateTimeField(_("exported at"), db_index=True)

    class Meta:
        ordering = ["-exported_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.what} by {self.user} at {self.exported_at:%Y-%m-%d %H:%M}"


class NumberSequence(models.Model):
    """A gapless counter per project (receipts, contracts, certificates): the row is locked
    while a number is taken, so a rolled-back transaction gives its number back."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=32)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="sequence_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.name}={self.last}"

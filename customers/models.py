from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.ledger import LedgerEvent
from projects.models import Project
from salesoffice.fields import EncryptedTextField


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "", _("Unknown")


class Stage(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    INTENT = "intent", _("Intent")
    NEGOTIATING = "negotiating", _("Negotiating")
    CLOSED = "closed", _("Closed")
    LOST = "lost", _("Lost")


class Household(models.Model):
    """客户组: the unit attribution is decided for. Members are customers of one project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="households")
    company_name = models.CharField(_("buying company"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Customer(models.Model):
    """A person within one project, identified by the normalised mobile number."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="customers")
    phone = models.CharField(_("mobile"), max_length=11)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    # The household the customer was created with: it never changes, so the engine can tell
    # which side of a later merge a household's own history is on.
    origin_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="founders", editable=False
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.POTENTIAL
    )
    # Stored encrypted (DOMAIN.md §11); shown masked with salesoffice.fields.mask_id_number.
    id_number = EncryptedTextField(_("ID-card number"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["project", "phone"], name="customer_unique_phone")
        ]
        indexes = [models.Index(fields=["project", "name"], name="customer_project_name")]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    COLLEAGUE = "colleague", _("Contact of the same buying company")
    SAME_PERSON = "same_person", _("Same person, another phone")


class ImportBatch(models.Model):
    """A daily sheet as uploaded: the file and its row report are kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="import_batches")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to="sheets/%Y/%m/", blank=True)
    atomic = models.BooleanField(default=False)
    created = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("imported sheet")
        verbose_name_plural = _("imported sheets")

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class Registration(LedgerEvent):
    """A visit (来访) or call (来电) as registered: valid or not, it is kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    attributed_at = models.DateTimeField(_("attribution time"))
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("consultant"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    name = models.CharField(_("name as given"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    phone_input = models.CharField(_("phone as given"), max_length=64, blank=True)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    valid = models.BooleanField(_("valid"))
    invalid_reasons = models.JSONField(_("invalid reasons"), default=list, blank=True)
    first_visit = models.BooleanField(_("first visit"), null=True, blank=True)
    mentioned_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentioned consultant"),
    )
    referrer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    referrer_present = models.BooleanField(default=False)
    declines_referrer_consultant = models.BooleanField(default=False)
    referrer_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The referrer's owner at the attribution time (A6)."),
    )
    relation_kind = models.CharField(max_length=16, choices=Relation.choices, blank=True)
    related_customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proxy = models.BooleanField(_("registered by proxy"), default=False)
    returning_unknown = models.BooleanField(_("returning, consultant unknown"), default=False)
    quota_reached = models.BooleanField(
        default=False,
        help_text=_("The consultant held their full quota when this was entered (A9)."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    intent = models.JSONField(_("intent"), default=dict, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    reception = models.OneToOneField(
        "attribution.Reception",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration",
        help_text=_("The rotation's walk-in this registration completes."),
    )

    class Meta:
        ordering = ["attributed_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["customer", "attributed_at"], name="registration_customer"),
            models.Index(fields=["project", "phone", "occurred_at"], name="registration_dedup"),
            models.Index(fields=["project", "occurred_at"], name="registration_day"),
            models.Index(fields=["consultant", "attributed_at"], name="registration_consultant"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name} {self.occurred_at:%Y-%m-%d %H:%M}"


class FollowUpChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("Visit")
    SMS = "sms", _("SMS")
    OTHER = "other", _("Other")


class FollowUp(LedgerEvent):
    """跟进: a contact with a customer. Only the owner's contacts keep a claim alive (A2)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="follow_ups")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="follow_ups")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    attributed_at = models.DateTimeField(_("attribution time"))
    channel = models.CharField(_("channel"), max_length=8, choices=FollowUpChannel.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["attributed_at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["customer", "attributed_at"], name="follow_up_customer")]


class HouseholdLink(LedgerEvent):
    """Two customers joined into one household (A3); the households merge from then on."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="links")
    relative = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    attributed_at = models.DateTimeField(_("attribution time"))
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["attributed_at", "id"]
        verbose_name = _("household link")
        verbose_name_plural = _("household links")


class Correction(LedgerEvent):
    """A fix of a registration that names who, when and why; the original stays as entered."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.TextField(_("reason"))
    void = models.BooleanField(_("void the registration"), default=False)
    changes = models.JSONField(_("corrected fields"), default=dict, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")


class TamperAttempt(LedgerEvent):
    """Somebody tried to edit or delete a ledger record (擅自改正客户确认记录)."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=16)
    channel = models.CharField(max_length=16, help_text=_("api, admin or page"))

    class Meta:
        ordering = ["-entered_at"]
        verbose_name = _("tampering attempt")
        verbose_name_plural = _("tampering attempts")


class LookupLog(LedgerEvent):
    """Every phone lookup, for the audit the sites require (lookups are rate-limited too)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    phone_masked = models.CharField(max_length=16)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("lookup")
        verbose_name_plural = _("lookups")


class StageChange(LedgerEvent):
    """A move along the pipeline (潜在 → 意向 → 洽谈 → 成交, or 流失 with a reason): by a
    consultant, or by an event (a subscription closes, a cancellation reopens)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    reason = models.TextField(_("reason"), blank=True)
    cause = models.CharField(
        _("cause"), max_length=40, blank=True, help_text=_("e.g. subscription:12, or manual.")
    )

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_stage} → {self.to_stage}"

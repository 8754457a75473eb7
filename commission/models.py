"""A deal's commission shares (DOMAIN.md §6), versioned: the latest split of a subscription is in
force, and a ruling adds a version, it never rewrites one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.ledger import LedgerEvent


class CommissionSource(models.TextChoices):
    RULES = "rules", _("The policy's split at deal time (§6)")
    RULING = "ruling", _("A manager's ruling (M)")


class CommissionSplit(LedgerEvent):
    """One version of a deal's commission shares; the latest is in force. A ruling adds a
    version, it never rewrites one."""

    subscription = models.ForeignKey(
        "orders.Subscription", on_delete=models.PROTECT, related_name="commission_splits"
    )
    source = models.CharField(max_length=8, choices=CommissionSource.choices)
    step = models.ForeignKey(
        "disputes.DisputeStep", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        db_table = "orders_commissionsplit"  # the table of the orders app it began in
        ordering = ["subscription", "-entered_at", "-id"]
        verbose_name = _("commission split")
        verbose_name_plural = _("commission splits")

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.source}"


class CommissionShare(LedgerEvent):
    """A party's percentage of a deal's commission: a consultant, or a channel (A13)."""

    split = models.ForeignKey(CommissionSplit, on_delete=models.PROTECT, related_name="shares")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commission_shares",
    )
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=16, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)

    class Meta:
        db_table = "orders_commissionshare"
        ordering = ["split", "-percent", "id"]
        verbose_name = _("commission share")
        verbose_name_plural = _("commission shares")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100),
                name="share_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(consultant__isnull=False) | ~models.Q(channel=""),
                name="share_has_a_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultant or self.channel} {self.percent}%"

from django.db import models
from django.utils.translation import gettext_lazy as _

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

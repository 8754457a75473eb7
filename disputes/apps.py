from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """撞单 / 抢单: disputes, rulings, appeals, and the violations ledger (§6, §7)."""

    name = "disputes"
    verbose_name = _("Disputes and discipline")

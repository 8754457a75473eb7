from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """撞单 / 抢单: disputes, rulings, appeals, and the violations ledger (§6, §7)."""

    name = "disputes"
    verbose_name = _("Disputes and discipline")

    def ready(self) -> None:
        from attribution.selectors import FACT_SOURCES
        from disputes.facts import dispute_facts

        FACT_SOURCES["disputes"] = dispute_facts

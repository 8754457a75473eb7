from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """撞单 / 抢单: disputes, rulings, appeals, and the violations ledger (§6, §7)."""

    name = "disputes"
    verbose_name = _("Disputes and discipline")

    def ready(self) -> None:
        from attribution.selectors import FACT_SOURCES
        from customers.services import TAMPERING_RECORDED
        from customers.timeline import TIMELINE_SOURCES
        from disputes.facts import dispute_facts
        from disputes.services import tampering_fine
        from disputes.timeline import dispute_timeline_entries

        FACT_SOURCES["disputes"] = dispute_facts
        if dispute_timeline_entries not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(dispute_timeline_entries)
        if tampering_fine not in TAMPERING_RECORDED:
            TAMPERING_RECORDED.append(tampering_fine)

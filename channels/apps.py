from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """渠道报备: channel agents' reports, visit confirmations and agreements (A13)."""

    name = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        from attribution.selectors import FACT_SOURCES
        from channels.facts import channel_facts
        from channels.timeline import confirmation_timeline_entries
        from customers.timeline import TIMELINE_SOURCES

        FACT_SOURCES["channels"] = channel_facts
        if confirmation_timeline_entries not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(confirmation_timeline_entries)

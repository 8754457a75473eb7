from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    """售后: owners' tickets through the departments' queues, and visits after handover (§9)."""

    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self) -> None:
        from aftersales.timeline import ticket_timeline_entries
        from customers.timeline import TIMELINE_SOURCES

        if ticket_timeline_entries not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(ticket_timeline_entries)

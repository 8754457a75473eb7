from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and the ledger")

    def ready(self) -> None:
        from customers.page_presenters import TIMELINE_SOURCES
        from customers.pipeline import stage_timeline_entries

        if stage_timeline_entries not in TIMELINE_SOURCES:
            TIMELINE_SOURCES.append(stage_timeline_entries)

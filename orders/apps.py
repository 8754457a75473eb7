from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Units, deals and payments")

    def ready(self) -> None:
        from attribution.selectors import FACT_SOURCES
        from customers.page_presenters import TIMELINE_SOURCES
        from orders.facts import deal_facts
        from orders.timeline import SOURCES

        FACT_SOURCES["deals"] = deal_facts
        TIMELINE_SOURCES.extend(s for s in SOURCES if s not in TIMELINE_SOURCES)

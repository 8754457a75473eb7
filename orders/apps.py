from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Units, deals and payments")

    def ready(self) -> None:
        from attribution.selectors import FACT_SOURCES
        from customers.timeline import TIMELINE_SOURCES
        from desk.pipeline import LIVE_DEALS
        from orders.facts import deal_facts
        from orders.selectors import live_subscription_ids
        from orders.timeline import SOURCES

        FACT_SOURCES["deals"] = deal_facts
        LIVE_DEALS["subscriptions"] = live_subscription_ids
        TIMELINE_SOURCES.extend(s for s in SOURCES if s not in TIMELINE_SOURCES)

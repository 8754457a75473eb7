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
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        FACT_SOURCES["deals"] = deal_facts
        LIVE_DEALS["subscriptions"] = live_subscription_ids
        for source in SOURCES:
            connect(TIMELINE_SOURCES, source)

        for item in (
            NavItem(
                "units",
                _("Units"),
                (Role.CONSULTANT, Role.CLERK, Role.MANAGER, Role.FINANCE),
                order=70,
            ),
            NavItem("finance", _("Finance desk"), (Role.FINANCE, Role.MANAGER), order=190),
        ):
            connect(NAV_ITEMS, item)

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
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        FACT_SOURCES["channels"] = channel_facts
        connect(TIMELINE_SOURCES, confirmation_timeline_entries)

        for item in (
            NavItem("channel-reports", _("Channel reports"), (Role.CLERK, Role.MANAGER), order=90),
            NavItem("channel-portal", _("My reports"), (Role.CHANNEL,), order=100),
        ):
            connect(NAV_ITEMS, item)

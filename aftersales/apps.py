from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    """售后: owners' tickets through the departments' queues, and visits after handover (§9)."""

    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self) -> None:
        from aftersales.timeline import ticket_timeline_entries
        from customers.timeline import TIMELINE_SOURCES
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        connect(TIMELINE_SOURCES, ticket_timeline_entries)

        for item in (
            NavItem(
                "tickets",
                _("After-sales"),
                (
                    Role.ENGINEERING,
                    Role.PROPERTY,
                    Role.FINANCE,
                    Role.MANAGER,
                    Role.CLERK,
                    Role.CONSULTANT,
                ),
                order=130,
            ),
            NavItem("visits", _("Follow-up visits"), (Role.CONSULTANT, Role.MANAGER), order=140),
        ):
            connect(NAV_ITEMS, item)

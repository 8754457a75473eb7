from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """前台: the work of the front desk on the customer record. Registering visits and calls,
    the phone lookup, follow-ups and corrections, the daily sheet, the customer's page and the
    pipeline. No models of its own: it writes the ledger of customers and asks attribution."""

    name = "desk"
    verbose_name = _("Front desk")

    def ready(self) -> None:
        from customers.timeline import TIMELINE_SOURCES
        from desk.pipeline import stage_timeline_entries
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        connect(TIMELINE_SOURCES, stage_timeline_entries)

        for item in (
            NavItem("desk", _("Front desk"), (Role.CONSULTANT, Role.CLERK, Role.MANAGER), order=10),
            NavItem("sheet", _("Daily sheet"), (Role.CLERK, Role.MANAGER), order=20),
            NavItem("my-customers", _("My customers"), (Role.CONSULTANT,), order=50),
        ):
            connect(NAV_ITEMS, item)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What reads across the office: the reports and their exports and charts, the manager's
    dashboard and daily summary. No models: every figure is read from the other apps' tables."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        for item in (
            NavItem("commission", _("Commission"), (Role.CONSULTANT, Role.MANAGER), order=80),
            NavItem("dashboard", _("Dashboard"), (Role.MANAGER,), order=150),
            NavItem("reports", _("Reports"), (Role.CLERK, Role.MANAGER, Role.FINANCE), order=160),
        ):
            connect(NAV_ITEMS, item)

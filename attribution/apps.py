from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    name = "attribution"
    verbose_name = _("Attribution")

    def ready(self) -> None:
        from attribution.rotation.fairness import fairness_today
        from attribution.selectors import lapsing_claims
        from attribution.visibility import closed_customer_links
        from projects.navigation import DASHBOARD_TILES, NAV_ITEMS, NavItem
        from projects.notifications import CLOSED_LINKS
        from projects.roles import Role
        from salesoffice.registry import connect

        for item in (
            NavItem("rotation", _("Rotation"), (Role.CLERK, Role.MANAGER), order=30),
            NavItem("rotation-report", _("Fairness"), (Role.CLERK, Role.MANAGER), order=40),
            NavItem(
                "pool", _("Public pool"), (Role.CONSULTANT, Role.CLERK, Role.MANAGER), order=60
            ),
        ):
            connect(NAV_ITEMS, item)
        DASHBOARD_TILES["fairness"] = fairness_today
        DASHBOARD_TILES["lapsing"] = lapsing_claims
        connect(CLOSED_LINKS, closed_customer_links)

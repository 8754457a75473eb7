from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """撞单 / 抢单: disputes, rulings, appeals, and the violations ledger (§6, §7)."""

    name = "disputes"
    verbose_name = _("Disputes and discipline")

    def ready(self) -> None:
        from attribution.jobs import RECEPTIONS_FLAGGED
        from attribution.selectors import FACT_SOURCES
        from customers.services import TAMPERING_RECORDED
        from customers.timeline import TIMELINE_SOURCES
        from disputes.admin_access import manager_admin_access_on_joining
        from disputes.facts import dispute_facts
        from disputes.selectors import disputes_waiting, violations_this_month
        from disputes.timeline import dispute_timeline_entries
        from disputes.violations import tampering_fine, unregistered_receptions_record
        from projects.navigation import DASHBOARD_TILES, NAV_ITEMS, NavItem
        from projects.roles import Role
        from projects.services import STAFF_JOINED
        from salesoffice.registry import connect

        FACT_SOURCES["disputes"] = dispute_facts
        connect(TIMELINE_SOURCES, dispute_timeline_entries)
        connect(TAMPERING_RECORDED, tampering_fine)
        connect(RECEPTIONS_FLAGGED, unregistered_receptions_record)
        connect(STAFF_JOINED, manager_admin_access_on_joining)

        for item in (
            NavItem("disputes", _("Disputes"), (Role.CONSULTANT, Role.MANAGER), order=110),
            NavItem("violations", _("Violations"), (Role.CONSULTANT, Role.MANAGER), order=120),
        ):
            connect(NAV_ITEMS, item)
        DASHBOARD_TILES["disputes"] = disputes_waiting
        DASHBOARD_TILES["violations"] = violations_this_month

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    """交房: the payoff certificate and the handover of the keys (DOMAIN.md §9)."""

    name = "handover"
    verbose_name = _("Handover")

    def ready(self) -> None:
        from customers.timeline import TIMELINE_SOURCES
        from handover import checks  # noqa: F401  (registers the deploy check)
        from handover.certificates import certificates_revoke_with_contract
        from handover.selectors import with_payoff_state
        from handover.timeline import SOURCES
        from orders.hooks import CONTRACT_BUTTONS, CONTRACT_CANCELLED, ContractButton
        from projects.navigation import NAV_ITEMS, NavItem
        from projects.roles import Role
        from salesoffice.registry import connect

        for source in SOURCES:
            connect(TIMELINE_SOURCES, source)
        connect(CONTRACT_CANCELLED, certificates_revoke_with_contract)
        if not CONTRACT_BUTTONS:
            CONTRACT_BUTTONS.append(
                ContractButton("handover/partials/payoff_button.html", with_payoff_state)
            )

        for item in (
            NavItem(
                "certificates", _("Payoff certificates"), (Role.FINANCE, Role.MANAGER), order=170
            ),
            NavItem(
                "handover", _("Handover"), (Role.CLERK, Role.MANAGER, Role.CONSULTANT), order=180
            ),
        ):
            connect(NAV_ITEMS, item)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    """交房: the payoff certificate and the handover of the keys (DOMAIN.md §9)."""

    name = "handover"
    verbose_name = _("Handover")

    def ready(self) -> None:
        from customers.timeline import TIMELINE_SOURCES
        from handover import checks  # noqa: F401  (registers the deploy check)
        from handover.timeline import SOURCES

        TIMELINE_SOURCES.extend(s for s in SOURCES if s not in TIMELINE_SOURCES)

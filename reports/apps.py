from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What reads across the office: the reports and their exports and charts, the manager's
    dashboard and daily summary. No models: every figure is read from the other apps' tables."""

    name = "reports"
    verbose_name = _("Reports")

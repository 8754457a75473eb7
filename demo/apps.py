from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo office of ``make run`` (``manage.py seed_demo``): no models, no pages."""

    name = "demo"
    verbose_name = _("Demo office")

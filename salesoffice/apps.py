"""The project's own app configs: the project itself (its system checks), and django-axes under
the office's name for it (its admin section is the managers' list of locked-out logins)."""

from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesOfficeConfig(AppConfig):
    """The project itself: settings-wide system checks (the apps' own live in each app)."""

    name = "salesoffice"
    verbose_name = "Sales office"
    default = True

    def ready(self) -> None:
        from django.urls import register_converter

        from salesoffice import checks  # noqa: F401  (registers the deploy checks)
        from salesoffice.converters import IdConverter

        # Before any URLconf loads: every app's URLs name an object's id as <id:...>.
        register_converter(IdConverter, "id")


class LoginProtectionConfig(AxesConfig):
    default = False
    verbose_name = _("Login protection")

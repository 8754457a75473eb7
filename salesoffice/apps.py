from django.apps import AppConfig


class SalesOfficeConfig(AppConfig):
    """The project itself: settings-wide system checks (the apps' own live in each app)."""

    name = "salesoffice"
    verbose_name = "Sales office"

    def ready(self) -> None:
        from salesoffice import checks  # noqa: F401  (registers the deploy checks)

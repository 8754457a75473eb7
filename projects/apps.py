from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects and staff")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from simple_history import register

        register(get_user_model(), app="projects", table_name="projects_historicaluser")

"""django-axes under the office's name for it: its admin section is the managers' list of
locked-out logins (projects/admin.py)."""

from axes.apps import AppConfig as AxesConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesConfig):
    verbose_name = _("Login protection")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    """佣金: a deal's commission shares, from the policy's split rules (§6) or a manager's ruling.

    Low in the house: the deals (orders) and the rulings (disputes) write shares here, and the
    monthly statements (reports) read them. It knows those apps' tables only by name."""

    name = "commission"
    verbose_name = _("Commission")

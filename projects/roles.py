"""The roles of DOMAIN.md §1. Each is a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Sales consultant")
    CLERK = "clerk", _("Clerk")
    MANAGER = "manager", _("Sales manager")
    FINANCE = "finance", _("Finance")
    CHANNEL = "channel", _("Channel agent")
    ENGINEERING = "engineering", _("Engineering")
    PROPERTY = "property", _("Property management")


OFFICE_ROLES = (Role.CLERK, Role.MANAGER)
# Who works the front desk: registers visits and calls, follows up, takes deals (a consultant
# as themself, clerks and managers for anyone).
DESK_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER)

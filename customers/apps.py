from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """The customer record: customers, households and the append-only ledger of what was
    registered (visits, calls, follow-ups, links, corrections, stage moves)."""

    name = "customers"
    verbose_name = _("Customers and the ledger")

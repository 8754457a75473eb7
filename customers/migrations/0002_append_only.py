from django.db import migrations

from customers.ledger import append_only_trigger

LEDGER_TABLES = [
    "customers_registration",
    "customers_followup",
    "customers_householdlink",
    "customers_correction",
    "customers_tamperattempt",
    "customers_lookuplog",
]


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [append_only_trigger(table) for table in LEDGER_TABLES]

from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_contracts_payments")]

    operations = [
        append_only_trigger(table)
        for table in (
            "orders_requirementconfirmation",
            "orders_qualificationreview",
            "orders_contract",
            "orders_scheduleitem",
            "orders_payment",
            "orders_contractcancellation",
        )
    ]

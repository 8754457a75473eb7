from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_units_subscriptions")]

    operations = [
        append_only_trigger("orders_subscription"),
        append_only_trigger("orders_subscriptioncancellation"),
    ]

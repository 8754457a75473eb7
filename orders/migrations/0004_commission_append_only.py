from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_commission")]

    operations = [
        append_only_trigger("orders_commissionsplit"),
        append_only_trigger("orders_commissionshare"),
    ]

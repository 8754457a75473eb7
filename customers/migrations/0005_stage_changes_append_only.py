from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_id_number_stage_changes")]

    operations = [append_only_trigger("customers_stagechange")]

from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_disputes_violations")]

    operations = [
        append_only_trigger("disputes_disputestep"),
        append_only_trigger("disputes_violation"),
    ]

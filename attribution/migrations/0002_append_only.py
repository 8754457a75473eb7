from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("attribution", "0001_initial")]

    operations = [append_only_trigger("attribution_policyversion")]

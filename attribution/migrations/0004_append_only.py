from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("attribution", "0003_claims_assignments_states_rotation")]

    operations = [
        append_only_trigger(table)
        for table in (
            "attribution_pendingclaim",
            "attribution_pendingclaimdecision",
            "attribution_assignment",
        )
    ]

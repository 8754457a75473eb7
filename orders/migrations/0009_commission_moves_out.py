"""The commission splits now belong to the commission app (its 0001): gone from this app's state
only; the tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commission", "0001_initial"),
        ("orders", "0008_deposit_settlements"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CommissionShare"),
                migrations.DeleteModel(name="CommissionSplit"),
            ],
        ),
    ]

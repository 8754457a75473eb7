from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    """A ticket's history and its escalations are never edited, not even by raw SQL."""

    dependencies = [("aftersales", "0001_tickets_visits"), ("customers", "0002_append_only")]

    operations = [
        append_only_trigger("aftersales_ticketevent"),
        append_only_trigger("aftersales_ticketescalation"),
    ]

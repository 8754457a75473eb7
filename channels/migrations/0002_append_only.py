from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("channels", "0001_reports_confirmations")]

    operations = [
        append_only_trigger(table)
        for table in (
            "channels_channelreport",
            "channels_visitconfirmation",
            "channels_confirmationsignature",
            "channels_reportend",
            "channels_skimmingflag",
        )
    ]

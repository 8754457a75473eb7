from django.db import migrations

from customers.ledger import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("handover", "0001_certificates_handover")]

    operations = [
        append_only_trigger(table)
        for table in (
            "handover_payoffcertificate",
            "handover_certificaterevocation",
            "handover_unithandover",
            "handover_handovernotice",
            "handover_appointment",
            "handover_moveinqualification",
            "handover_inspection",
            "handover_defect",
            "handover_handoverconfirmation",
            "handover_keyhandover",
        )
    ]

"""The commission splits move from the orders app to their own, in Django's state only: the
tables keep their names (orders_commission*), rows and append-only triggers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """Permissions and admin history name the models by content type: keep them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(
        app_label="orders", model__in=["commissionsplit", "commissionshare"]
    ).update(app_label="commission")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("disputes", "0004_violation_withdrawals"),
        ("orders", "0008_deposit_settlements"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='CommissionSplit',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('entered_at', models.DateTimeField(db_index=True, verbose_name='entered at')),
                    ('source', models.CharField(choices=[('rules', "The policy's split at deal time (§6)"), ('ruling', "A manager's ruling (M)")], max_length=8)),
                    ('note', models.TextField(blank=True)),
                    ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                    ('step', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='disputes.disputestep')),
                    ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commission_splits', to='orders.subscription')),
                ],
                options={
                    'db_table': 'orders_commissionsplit',
                    'verbose_name': 'commission split',
                    'verbose_name_plural': 'commission splits',
                    'ordering': ['subscription', '-entered_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='CommissionShare',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('entered_at', models.DateTimeField(db_index=True, verbose_name='entered at')),
                    ('channel', models.CharField(blank=True, max_length=100, verbose_name='channel')),
                    ('role', models.CharField(blank=True, max_length=16, verbose_name='role')),
                    ('percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='percent')),
                    ('consultant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commission_shares', to=settings.AUTH_USER_MODEL)),
                    ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                    ('split', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shares', to='commission.commissionsplit')),
                ],
                options={
                    'db_table': 'orders_commissionshare',
                    'verbose_name': 'commission share',
                    'verbose_name_plural': 'commission shares',
                    'ordering': ['split', '-percent', 'id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('percent__gte', 0), ('percent__lte', 100)), name='share_percent_range'), models.CheckConstraint(condition=models.Q(('consultant__isnull', False), models.Q(('channel', ''), _negated=True), _connector='OR'), name='share_has_a_party')],
                },
            ),            ],
        ),
        migrations.RunPython(content_types_follow, migrations.RunPython.noop),
    ]

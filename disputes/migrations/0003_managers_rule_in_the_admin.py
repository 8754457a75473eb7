"""Managers rule on disputes in the admin screen: existing managers become staff, and the
manager group may view and change disputes and view violations (new managers get the same
through ``projects.services.staff_create``)."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ("view_dispute", "change_dispute", "view_violation")


def grant(apps, schema_editor):
    # Permissions are made after the last migration; this one needs them now.
    config = apps.get_app_config("disputes")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    group, _ = Group.objects.get_or_create(name="manager")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="disputes", codename__in=PERMISSIONS)
    )
    User.objects.filter(groups__name="manager", is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0002_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

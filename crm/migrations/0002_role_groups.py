"""The role groups; their permissions are granted after every migrate (crm.roles.sync_roles)."""

from django.db import migrations

ROLE_NAMES = (
    "Prevent team admin",
    "Outreach officer",
    "Trainer",
    "Learner",
    "Elected Member",
    "Faith Forum member",
    "PAG member",
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

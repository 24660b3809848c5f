"""The staff roles are groups; a new installation has each, empty."""

from django.db import migrations

ROLES = ("analyst", "interviewer", "supervisor", "survey manager")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_next_question"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

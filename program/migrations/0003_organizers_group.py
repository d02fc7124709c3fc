"""The "Organizers" group: every permission on the program models, nothing on accounts or auth.

Permissions are normally created after all migrations run; this migration creates the program's
own first so that the group can hold them on a fresh database. A later migration that adds a
program model adds that model's permissions to the group in the same way.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organizers"


def create_organizers_group(apps, schema_editor) -> None:
    program = apps.get_app_config("program")
    program.models_module = True  # create_permissions skips apps it thinks have no models
    create_permissions(program, verbosity=0, apps=apps, using=schema_editor.connection.alias)
    program.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.using(schema_editor.connection.alias).filter(
            content_type__app_label="program"
        )
    )


def remove_organizers_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0002_same_conference_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_organizers_group, remove_organizers_group)]

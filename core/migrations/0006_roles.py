"""The four roles exist after ``migrate`` on an empty database (security review M12). Their
permissions are attached after every migrate by ``core.roles.ensure_roles`` (post_migrate),
because permissions themselves are created only then."""

from django.db import migrations

ROLES = ["Regulator", "Supervisor", "Integrator", "Auditor"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("wsmonitor", "0005_formal_documents"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]

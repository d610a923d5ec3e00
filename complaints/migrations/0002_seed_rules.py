"""Default deadline rules and refusal grounds. Supervisors change them in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.defaults import seed as seed_defaults

    seed_defaults(
        apps.get_model("complaints", "DeadlineRule"), apps.get_model("complaints", "RefusalGround")
    )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from django.db import migrations

from accounts.roles import BOK, grant


def permissions(apps, schema_editor):
    grant(
        apps,
        BOK,
        "meters",
        [
            "view_meter",
            "add_meter",
            "change_meter",
            "view_reading",
            "add_reading",
            "change_reading",
            "view_readingevent",
            "view_readingwindow",
            "add_readingwindow",
            "change_readingwindow",
            "delete_readingwindow",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("meters", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(permissions, migrations.RunPython.noop)]

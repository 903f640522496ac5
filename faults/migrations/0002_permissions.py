from django.db import migrations

from accounts.roles import BOK, grant


def permissions(apps, schema_editor):
    grant(
        apps,
        BOK,
        "faults",
        [
            "view_faultreport",
            "change_faultreport",
            "view_faultevent",
            "view_faultphoto",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("faults", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(permissions, migrations.RunPython.noop)]

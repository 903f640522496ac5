from django.db import migrations

from accounts.roles import ACCOUNTING, BOK, grant


def grant_view(apps, schema_editor):
    for group in (BOK, ACCOUNTING):
        grant(apps, group, "messaging", ["view_notification"])


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(grant_view, migrations.RunPython.noop)]

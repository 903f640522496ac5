from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("faults", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = []

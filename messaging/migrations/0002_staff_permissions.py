from django.db import migrations


# Staff permissions are applied from one table on post_migrate (ebok/staff_roles.py).
class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial"), ("accounts", "0002_staff_groups")]
    operations = []

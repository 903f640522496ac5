from django.db import migrations


# Staff groups and their permissions come from one table on post_migrate (ebok/staff_roles.py).
class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = []

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_notices_threads")]
    operations = []

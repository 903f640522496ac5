from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("resolutions", "0001_initial")]
    operations = []

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("meters", "0005_one_reading_a_day_data"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["accepted", "flagged"])),
                fields=("meter", "read_on"),
                name="one_counted_reading_a_day",
            ),
        ),
    ]

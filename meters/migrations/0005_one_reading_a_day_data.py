"""Before the one-counted-reading-a-day constraint (0006): where a meter has several counted
readings of one day, the latest stays (the water settlement already counted only it) and the
earlier ones are kept on record as withdrawn, each with an event naming its replacement."""

from django.db import migrations, models
from django.db.models import Count

COUNTED = ["accepted", "flagged"]


def keep_the_latest_of_each_day(apps, schema_editor):
    Reading = apps.get_model("meters", "Reading")
    ReadingEvent = apps.get_model("meters", "ReadingEvent")
    days = (
        Reading.objects.filter(status__in=COUNTED)
        .values("meter_id", "read_on")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for day in days:
        readings = list(
            Reading.objects.filter(
                meter_id=day["meter_id"], read_on=day["read_on"], status__in=COUNTED
            ).order_by("-created_at", "-pk")
        )
        latest = readings[0]
        for old in readings[1:]:
            ReadingEvent.objects.create(
                reading=old,
                action="replaced",
                actor_id=latest.submitted_by_id,
                details={
                    "replaced_by": latest.pk,
                    "old_value": str(old.value),
                    "new_value": str(latest.value),
                    "old_status": old.status,
                    "migration": "meters 0005: one reading a day",
                },
            )
            old.status = "withdrawn"
            old.save(update_fields=["status"])


class Migration(migrations.Migration):

    dependencies = [
        ("meters", "0004_reading_withdrawn"),
    ]

    operations = [
        migrations.AlterField(
            model_name="readingevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "submitted by the resident"),
                    ("entered", "entered by staff"),
                    ("accepted", "accepted by staff"),
                    ("corrected", "corrected by staff"),
                    ("withdrawn", "withdrawn by the resident"),
                    ("replaced", "replaced by the resident's next reading of the day"),
                ],
                max_length=10,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(keep_the_latest_of_each_day, migrations.RunPython.noop),
    ]

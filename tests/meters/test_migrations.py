"""Migrations 0005/0006 on data stored before the one-reading-a-day rule."""

import datetime
from decimal import Decimal as D

import pytest

from tests.factories import UserFactory
from tests.meters.factories import MeterFactory
from tests.migrations import migrate

BEFORE = [("meters", "0004_reading_withdrawn")]
AFTER = [("meters", "0006_one_counted_reading_a_day")]


@pytest.mark.django_db(transaction=True)
def test_two_readings_of_a_day_keep_the_later_one():
    meter = MeterFactory(serial_number="ZW-DUP")
    resident, clerk = UserFactory(), UserFactory()
    day = datetime.date(2026, 3, 31)
    at = datetime.datetime(2026, 3, 31, 8, 0, tzinfo=datetime.UTC)
    try:
        old_apps = migrate(BEFORE)
        Reading = old_apps.get_model("meters", "Reading")
        common = {"meter_id": meter.pk, "read_on": day, "source": "resident"}
        first = Reading.objects.create(
            value=D("120.500"), submitted_by_id=resident.pk, created_at=at, **common
        )
        second = Reading.objects.create(
            value=D("120.450"), submitted_by_id=clerk.pk, status="flagged", flag_reason="x",
            created_at=at + datetime.timedelta(hours=2), **common,
        )
        withdrawn = Reading.objects.create(
            value=D("999.000"), submitted_by_id=resident.pk, status="withdrawn",
            created_at=at - datetime.timedelta(hours=1), **common,
        )
        other_day = Reading.objects.create(
            value=D("118.000"), submitted_by_id=resident.pk, created_at=at,
            **{**common, "read_on": day - datetime.timedelta(days=30)},
        )

        new_apps = migrate(AFTER)
        Reading = new_apps.get_model("meters", "Reading")
        ReadingEvent = new_apps.get_model("meters", "ReadingEvent")
        statuses = dict(Reading.objects.values_list("pk", "status"))
        assert statuses == {
            first.pk: "withdrawn",
            second.pk: "flagged",
            withdrawn.pk: "withdrawn",
            other_day.pk: "accepted",
        }
        event = ReadingEvent.objects.get()
        assert (event.reading_id, event.action, event.actor_id) == (first.pk, "replaced", clerk.pk)
        assert event.details == {
            "replaced_by": second.pk,
            "old_value": "120.500",
            "new_value": "120.450",
            "old_status": "accepted",
            "migration": "meters 0005: one reading a day",
        }
    finally:
        migrate()  # every app's newest migration again

"""The meters' part of the "my data" export (core/personal_data.py): the readings the person
submitted."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.personal_data import DATE, VOLUME, Column, Person, Row, Section

from .models import Reading


def _readings(person: Person) -> Iterator[Row]:
    readings = (
        Reading.objects.filter(submitted_by=person.user)
        .select_related("meter")
        .order_by("read_on", "pk")
    )
    for r in readings:
        yield [
            r.meter.serial_number,
            r.read_on,
            r.value,
            r.get_source_display(),
            r.get_status_display(),
        ]


SECTIONS = [
    Section(
        "readings",
        "odczyty",
        _("Meter readings"),
        [
            Column("meter", _("Meter")),
            Column("read_on", _("Read on"), DATE),
            Column("value", _("Reading (m³)"), VOLUME),
            Column("source", _("Source")),
            Column("status", _("Status")),
        ],
        _readings,
    ),
]

"""The faults' part of the "my data" export (core/personal_data.py): the person's reports."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.personal_data import MOMENT, Column, Person, Row, Section

from .models import FaultReport


def _fault_reports(person: Person) -> Iterator[Row]:
    for f in FaultReport.objects.filter(reporter=person.user).order_by("pk"):
        yield [
            f.pk,
            f.title,
            f.get_category_display(),
            f.get_place_display(),
            f.description,
            f.get_status_display(),
            f.created_at,
        ]


SECTIONS = [
    Section(
        "fault_reports",
        "awarie",
        _("Fault reports"),
        [
            Column("number", _("Number")),
            Column("title", _("Title")),
            Column("category", _("Category")),
            Column("place", _("Place")),
            Column("description", _("Description")),
            Column("status", _("Status")),
            Column("reported_at", _("Reported"), MOMENT),
        ],
        _fault_reports,
    ),
]

"""The resolutions' part of the "my data" export (core/personal_data.py): the person's votes."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.personal_data import MOMENT, Column, Person, Row, Section

from .models import Vote


def _votes(person: Person) -> Iterator[Row]:
    votes = Vote.objects.filter(user=person.user).select_related("resolution")
    for v in votes.order_by("cast_at", "pk"):
        yield [v.resolution.number, v.get_choice_display(), v.get_channel_display(), v.cast_at]


SECTIONS = [
    Section(
        "votes", "glosy", _("Votes"),
        [
            Column("resolution", _("Resolution")),
            Column("choice", _("Vote")),
            Column("channel", _("How cast")),
            Column("cast_at", _("Cast"), MOMENT),
        ],
        _votes,
    ),
]

"""An app's part of a resident's "my data" export (privacy/ builds the ZIP). Each app holding
personal data lists SECTIONS in its privacy_export.py: a table's name in dane.json and as a
CSV file, its title, its columns and how to read its rows for one person. A section's rows are
that person's own: money only of the accounts they may act for now, nothing of anyone else's."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# How a column's values read in each form of the export (privacy/cells.py).
TEXT, DATE, MOMENT, MONTH, MONEY, VOLUME, YES_NO = (
    "text", "date", "moment", "month", "money", "volume", "yes_no"
)


@dataclass(frozen=True)
class Column:
    key: str  # the field's name in dane.json
    label: str | Promise  # the heading in the CSV file and the PDF
    kind: str = TEXT


@dataclass(frozen=True)
class Person:
    user: Any  # the settings.AUTH_USER_MODEL instance, which core may not name
    accounts: list[int]  # ids of the accounts the person may act for now


Row = Sequence[object]


@dataclass(frozen=True)
class Section:
    key: str  # the list's name in dane.json
    file: str  # the CSV file's name, without .csv
    title: str | Promise
    columns: list[Column]
    rows: Callable[[Person], Iterable[Row]]  # one value per column, in the section's order

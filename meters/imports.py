"""CSV import of meters by clerks: every row is checked first; one bad row stores nothing.

Columns (a header row, `;` or `,` separated, UTF-8 or Windows-1250):
budynek;lokal;rodzaj;numer_seryjny;data_montazu;legalizacja_do;zastepuje
`rodzaj` is zimna/cold or ciepla/ciepła/hot; dates as 2026-03-31 or 31.03.2026; `zastepuje`
(optional) is the serial number of the meter the new one replaces, removed on the installation
day.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Premises
from audit.services import Action, audit_clerk, values_of
from core.dates import day_from

from .models import Meter

COLUMNS = [
    "budynek",
    "lokal",
    "rodzaj",
    "numer_seryjny",
    "data_montazu",
    "legalizacja_do",
    "zastepuje",
]
KINDS = {
    "zimna": Meter.Kind.COLD,
    "cold": Meter.Kind.COLD,
    "ciepla": Meter.Kind.HOT,
    "ciepła": Meter.Kind.HOT,
    "hot": Meter.Kind.HOT,
}
_C1 = re.compile("[\x80-\x9f]")
MAX_BYTES = 5 * 2**20


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Row:
    line: int
    premises: Premises
    kind: str
    serial: str
    installed_on: date
    legalisation_expires_on: date
    replaces: Meter | None


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _C1.search(text):
            return text
    raise ImportFailed([_("The file is neither UTF-8 nor Windows-1250 text.")])


def _date(text):
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return day_from(text, fmt)
        except ValueError:
            continue
    return None


def parse(content: bytes) -> list[Row]:
    if len(content) > MAX_BYTES:
        raise ImportFailed([_("The file is too large.")])
    reader = _reader(decode(content))
    premises = {
        (p.building.street.lower(), p.number.lower()): p
        for p in Premises.objects.select_related("building")
    }
    existing = {m.serial_number: m for m in Meter.objects.all()}
    rows, errors, seen = [], [], set()
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        values = [v.strip() for v in values] + [""] * len(COLUMNS)
        row, problems = _row(line, values[: len(COLUMNS)], premises, existing, seen)
        if problems:
            errors.append(
                _("Row %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        rows.append(row)
    if errors:
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([_("The file has no meters.")])
    return rows


def _reader(text):
    """The rows after the header, which must name the columns; `;` or `,` as the header has
    more of."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[: len(COLUMNS) - 1] != COLUMNS[:-1]:
        raise ImportFailed(
            [_("The first row must be the header: %(columns)s") % {"columns": ";".join(COLUMNS)}]
        )
    return reader


def _row(line, values, premises, existing, seen):
    """(the row, []) of one line of the file, or (None, what is wrong with it). Its serial
    number joins `seen`, so a second line with it is refused."""
    street, number, kind, serial, installed, expires, replaces = values
    problems = []
    place = premises.get((street.lower(), number.lower()))
    if place is None:
        problems.append(
            _("no premises %(number)s at %(street)s") % {"number": number, "street": street}
        )
    if kind.lower() not in KINDS:
        problems.append(_("the kind must be zimna or ciepła, not %(kind)r") % {"kind": kind})
    if not serial:
        problems.append(_("the serial number is missing"))
    elif serial in existing or serial in seen:
        problems.append(_("the serial number %(serial)s already exists") % {"serial": serial})
    installed_on, expires_on = _date(installed), _date(expires)
    if installed_on is None:
        problems.append(_("the installation date %(text)r is not a date") % {"text": installed})
    if expires_on is None:
        problems.append(_("the legalisation date %(text)r is not a date") % {"text": expires})
    if installed_on and expires_on and expires_on <= installed_on:
        problems.append(_("the legalisation must end after the installation"))
    old = existing.get(replaces) if replaces else None
    if replaces:
        problems += _replacement_problems(replaces, old, place, installed_on)
    seen.add(serial)
    if problems:
        return None, problems
    return Row(line, place, KINDS[kind.lower()], serial, installed_on, expires_on, old), []


def _replacement_problems(serial, old, place, installed_on) -> list[str]:
    """What stops the new meter from replacing meter `serial` (`old`, if it exists)."""
    if old is None:
        return [_("no meter %(serial)s to replace") % {"serial": serial}]
    if old.replaced_by_id or (place and old.premises_id != place.pk):
        return [_("meter %(serial)s is already replaced or in other premises") % {"serial": serial}]
    if installed_on and installed_on < old.installed_on:
        return [_("the new meter cannot be installed before the old one")]
    return []


AUDITED_FIELDS = ["premises", "kind", "serial_number", "installed_on", "legalisation_expires_on"]


def meters_import(*, content: bytes, clerk=None) -> list[Meter]:
    """Create the file's meters, all or none; the clerk's audit rows in the same transaction."""
    rows = parse(content)
    created = []
    with transaction.atomic(durable=True):
        for row in rows:
            meter = Meter(
                premises=row.premises,
                kind=row.kind,
                serial_number=row.serial,
                installed_on=row.installed_on,
                legalisation_expires_on=row.legalisation_expires_on,
            )
            meter.save()
            if row.replaces:
                Meter.objects.filter(pk=row.replaces.pk).update(
                    removed_on=row.replaces.removed_on or row.installed_on, replaced_by=meter
                )
            created.append(meter)
            audit_clerk(clerk, action=Action.ADD, obj=meter, new=values_of(meter, AUDITED_FIELDS))
        for replaced in Meter.objects.filter(replaced_by__in=created):
            audit_clerk(
                clerk,
                action=Action.CHANGE,
                obj=replaced,
                old={"replaced_by": None},
                new=values_of(replaced, ["removed_on", "replaced_by"]),
            )
    return created

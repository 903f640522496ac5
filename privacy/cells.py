"""How one value of the export reads in each of its three forms: dane.json for programs
(ISO dates, dot decimals), the CSV files for Polish spreadsheets (05.12.2026, 1234,56) and the
PDF summary for people (5 grudnia 2026, 17:45; 1 234,56 zł)."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import month_label
from core.money import format_pln
from core.numbers import format_volume
from core.personal_data import DATE, MOMENT, MONEY, MONTH, VOLUME, YES_NO
from core.spreadsheets import decimal_cell


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def for_json(kind, value):
    if value is None:
        return None
    if kind == MOMENT:
        return _local(value).isoformat(timespec="seconds")
    if kind in (DATE, MONTH):
        return value.isoformat()
    if kind in (MONEY, VOLUME):
        return str(value)
    return value


def for_csv(kind, value):
    if value is None:
        return ""
    if kind == MOMENT:
        return f"{_local(value):%d.%m.%Y %H:%M}"
    if kind == DATE:
        return f"{value:%d.%m.%Y}"
    if kind == MONTH:
        return f"{value:%m.%Y}"
    if kind in (MONEY, VOLUME):
        return decimal_cell(value)
    if kind == YES_NO:
        return _("yes") if value else _("no")
    return value


def for_people(kind, value):
    if value is None or value == "":
        return "—"
    if kind == MOMENT:
        return date_format(_local(value), "j E Y, H:i")
    if kind == DATE:
        return date_format(value, "j E Y")
    if kind == MONTH:
        return month_label(value)
    if kind == MONEY:
        return format_pln(Decimal(value))
    if kind == VOLUME:
        return f"{format_volume(Decimal(value))}\u00a0m³"
    if kind == YES_NO:
        return _("yes") if value else _("no")
    return str(value)

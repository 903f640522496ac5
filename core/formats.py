"""Amounts and dates as written into e-mails and notices (pages use the `money` filter)."""

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format

from core.money import money


def format_amount(value: Decimal) -> str:
    """1 234,56 zł in Polish (grouped as Django formats it)."""
    return f"{number_format(money(value), decimal_pos=2, use_l10n=True, force_grouping=True)} zł"


def format_day(day: date) -> str:
    return date_format(day, "d.m.Y")

"""Amounts and dates as written into e-mails and notices (pages use the `money` filter)."""

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

from core.money import format_pln


def format_amount(value: Decimal) -> str:
    """1 234,56 zł in Polish, 1,234.56 zł in English (the active language); a plain space
    before "zł", as stored descriptions and e-mails have always had it."""
    return f"{format_pln(value, currency=False)} zł"


def format_day(day: date) -> str:
    return date_format(day, "d.m.Y")

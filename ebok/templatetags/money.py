"""Money on pages: one filter, Decimal only, in the reader's language (1 234,56 zł; 1,234.56 zł)."""

from decimal import Decimal

from django import template
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext

from core.money import format_pln, format_price

register = template.Library()
NBSP = "\u00a0"


def _unwrapped(value):
    """A value the view computes lazily (billing/account/page_cache.py), as itself."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


def format_money(value: Decimal, currency=True) -> str:
    return format_pln(_unwrapped(value), currency)


@register.filter
def money(value):
    """`{{ amount|money }}` → 1 234,56 zł; anything but a Decimal is an error."""
    return format_money(value)


@register.filter
def unsigned(value):
    """The size of a difference whose direction the words around it say ("0,01 zł less")."""
    return format_money(abs(_unwrapped(value)))


@register.filter
def amount(value):
    """The number alone, for tables whose header says zł."""
    return format_money(value, currency=False)


@register.filter
def price(value):
    """A unit price as printed on an invoice: its own decimal places (31,3008)."""
    return format_price(_unwrapped(value))


@register.filter
def balance(value):
    """A balance (payments minus charges) as what it means, never with a minus sign:
    "do zapłaty 855,94 zł", "nadpłata 12,00 zł", "0,00 zł"."""
    value = _unwrapped(value)
    shown = format_money(abs(value))
    if value < 0:
        return gettext("%(amount)s to pay") % {"amount": shown}
    if value > 0:
        return gettext("%(amount)s overpaid") % {"amount": shown}
    return shown

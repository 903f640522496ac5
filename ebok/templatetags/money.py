"""Money on pages: one filter, Decimal only, Polish format (1 234,56 zł)."""

from decimal import Decimal

from django import template
from django.utils.functional import LazyObject, empty

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
def amount(value):
    """The number alone, for tables whose header says zł."""
    return format_money(value, currency=False)


@register.filter
def price(value):
    """A unit price as printed on an invoice: its own decimal places (31,3008)."""
    return format_price(_unwrapped(value))

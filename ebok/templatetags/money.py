"""Money on pages: one filter, Decimal only, Polish format (1 234,56 zł)."""

from decimal import Decimal

from django import template
from django.utils.functional import LazyObject, empty

from core.money import money as round_money

register = template.Library()
NBSP = "\u00a0"


def _unwrapped(value):
    """A value the view computes lazily (billing/ledger/page_cache.py), as itself."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


def format_money(value: Decimal, currency=True) -> str:
    value = _unwrapped(value)
    if not isinstance(value, Decimal):
        raise TypeError(f"money is Decimal, not {type(value).__name__}")
    sign = "−" if value < 0 else ""
    whole, _dot, cents = f"{abs(round_money(value)):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{NBSP.join(groups)},{cents}"
    return f"{text}{NBSP}zł" if currency else text


@register.filter
def money(value):
    """`{{ amount|money }}` → 1 234,56 zł; anything but a Decimal is an error."""
    return format_money(value)


@register.filter
def amount(value):
    """The number alone, for tables whose header says zł."""
    return format_money(value, currency=False)

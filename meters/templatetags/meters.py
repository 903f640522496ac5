"""Volumes on pages: m³ to the litre, Polish format (1 234,567)."""

from decimal import Decimal

from django import template

register = template.Library()
NBSP = "\u00a0"


def format_m3(value: Decimal) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"a volume is Decimal, not {type(value).__name__}")
    sign = "−" if value < 0 else ""
    whole, _dot, litres = f"{abs(value):.3f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{litres}"


@register.filter
def m3(value):
    return format_m3(value)

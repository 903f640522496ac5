"""Volumes on pages: m³ with the decimals they have, in the reader's language ("1,4", "1.4")."""

from decimal import Decimal

from django import template

from core.numbers import format_volume

register = template.Library()


@register.filter
def m3(value, places=None):
    """`{{ volume|m3 }}`; `{{ volume|m3:3 }}` rounds a computed volume to the litre first."""
    if places is not None and isinstance(value, Decimal):
        value = round(value, int(places))
    return format_volume(value)

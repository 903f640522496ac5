from fractions import Fraction

from django import template

register = template.Library()


@register.filter
def fraction(value):
    """An exact share as in the land register: 5234/100000 (a whole number as it is)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Fraction):
        raise TypeError(f"fraction filter expects a Fraction, not {type(value).__name__}")
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"

from fractions import Fraction

from django import template
from django.utils.formats import number_format

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


@register.filter
def over(part, tally):
    """A share over the vote's one denominator: 543/2531 in a vote counted in 5062nds reads
    1086/5062, as the total and every other share of that vote."""
    return tally.over_unit(part)


@register.filter
def percent_of(part, tally):
    """A share as a percentage of all shares (or owners) of the vote, 2 places."""
    return tally.percent(part)


@register.filter
def share_of(part, tally):
    """A share over the vote's one denominator with its percentage: "1086/5062 (21,45%)"."""
    return f"{tally.over_unit(part)} ({number_format(tally.percent(part), 2)}%)"

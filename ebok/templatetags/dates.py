"""Dates for residents: months by name in running text and durations in whole days."""

from django import template

from core.dates import days_since, days_text, days_until, month_label

register = template.Library()


@register.filter
def month(value):
    """`{{ period|month }}` → grudzień 2026."""
    return month_label(value) if value else ""


@register.filter
def days_left(value):
    """`{{ deadline|days_left }}` → 13 dni (whole calendar days in Europe/Warsaw)."""
    return days_text(days_until(value)) if value else ""


@register.filter
def days_ago(value):
    return days_text(days_since(value)) if value else ""


@register.filter(name="days_until")
def days_until_filter(value):
    """Whole days to the day of `value`, for {% blocktranslate count %} phrases."""
    return days_until(value) if value else 0

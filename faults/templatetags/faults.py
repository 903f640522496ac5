from django import template
from django.conf import settings

from faults.phones import format_phone

register = template.Library()


@register.simple_tag
def emergency_phone():
    return settings.FAULTS_EMERGENCY_PHONE


@register.filter
def tel(number):
    """A number for a tel: link: digits and a leading + only."""
    return "".join(c for c in str(number) if c.isdigit() or c == "+")


@register.filter
def phone(digits):
    return format_phone(digits)

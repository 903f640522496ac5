from django import template

from accounts.devices import device_name

register = template.Library()


@register.filter
def device(user_agent):
    """`{{ session.user_agent|device }}` → Chrome 120 na Windows 10."""
    return device_name(user_agent)

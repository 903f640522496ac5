"""{% page_url 'name' %}: {% url 'name' %} for URLs without arguments, remembered."""

from django import template

from ebok.urls_cache import page_url as cached

register = template.Library()


@register.simple_tag
def page_url(name):
    return cached(name)

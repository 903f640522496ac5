from django import template

from core.admin_grammar import count_phrase, forms_of

register = template.Library()


@register.simple_tag
def admin_count(opts, count):
    """'7 użytkowników': a count of a model's objects in the form the number needs."""
    return count_phrase(opts, count)


@register.filter
def accusative(opts):
    return forms_of(opts).accusative

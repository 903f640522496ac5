"""reverse() for URLs without arguments, remembered: the menu and the dashboard tiles ask for
the same dozen on every page, and each reverse() costs as much as a small query."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


def page_url(name):
    return _page_url(name, get_script_prefix())


@lru_cache(maxsize=256)
def _page_url(name, prefix):
    return reverse(name)

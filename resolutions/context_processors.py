from django.utils.functional import SimpleLazyObject

from .queries import is_community_owner


def nav(request):
    """`shows_resolutions`: whether the menu links to resolutions; asked only when a page with
    the menu is rendered (one query)."""
    user = getattr(request, "user", None)
    return {"shows_resolutions": SimpleLazyObject(lambda: bool(user and is_community_owner(user)))}

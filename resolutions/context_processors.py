from django.utils.functional import SimpleLazyObject

from accounts.models import Account
from accounts.register_cache import cached_accounts_for_user


def _owns_in_a_community(user) -> bool:
    # A menu link, not an access check: the cached list of the user's accounts will do.
    return bool(user and user.is_authenticated) and any(
        a.kind == Account.Kind.COMMUNITY_OWNERSHIP for a in cached_accounts_for_user(user)
    )


def nav(request):
    """`shows_resolutions`: whether the menu links to resolutions; asked only when a page with
    the menu is rendered, from the cached list of the user's accounts."""
    user = getattr(request, "user", None)
    return {"shows_resolutions": SimpleLazyObject(lambda: _owns_in_a_community(user))}

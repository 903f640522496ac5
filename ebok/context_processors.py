from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.models import Account
from accounts.register_cache import cached_accounts_for_user


def site(request):
    return {
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
        "MANAGER_PHONE": settings.MANAGER_PHONE,
        "MANAGER_EMAIL": settings.MANAGER_EMAIL,
        "SITE_URL": settings.SITE_URL,
    }


def _kinds(user) -> frozenset:
    # A menu link, not an access check: the cached list of the user's accounts will do.
    if not (user and user.is_authenticated):
        return frozenset()
    return frozenset(a.kind for a in cached_accounts_for_user(user))


def menu(request):
    """Which task links the main menu shows: invoices for commercial tenants, resolutions for
    community owners. Asked only when a page with the menu is rendered, and then once: both
    links read the same list of accounts."""
    user = getattr(request, "user", None)
    kinds = SimpleLazyObject(lambda: _kinds(user))
    return {
        "shows_resolutions": SimpleLazyObject(lambda: Account.Kind.COMMUNITY_OWNERSHIP in kinds),
        "shows_invoices": SimpleLazyObject(lambda: Account.Kind.COMMERCIAL_LEASE in kinds),
    }

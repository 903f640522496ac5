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


def _holds(user, kind) -> bool:
    # A menu link, not an access check: the cached list of the user's accounts will do.
    return bool(user and user.is_authenticated) and any(
        a.kind == kind for a in cached_accounts_for_user(user)
    )


def menu(request):
    """Which task links the main menu shows: invoices for commercial tenants, resolutions for
    community owners. Asked only when a page with the menu is rendered."""
    user = getattr(request, "user", None)
    return {
        "shows_resolutions": SimpleLazyObject(
            lambda: _holds(user, Account.Kind.COMMUNITY_OWNERSHIP)
        ),
        "shows_invoices": SimpleLazyObject(lambda: _holds(user, Account.Kind.COMMERCIAL_LEASE)),
    }

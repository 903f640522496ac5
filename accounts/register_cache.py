"""The list of a resident's accounts, cached for the pages that only show it (the dashboard)
and for the address and numbers of an account on its money pages.

Every saved or deleted register row (community, building, premises, account, access) moves one
version number on commit, which retires every cached list at once; the date is in the key, as
accounts start and end by date. Access checks never read this cache: they query the register
first, and a page takes an account from this list only once the register has let the user in."""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .queries import accounts_for_user

VERSION_KEY = "register:version"
TIMEOUT = 60 * 60  # a safety net; the version is what keeps the lists true


def register_changed():
    """Call after changing the register without save() or delete() (bulk updates). Bumped now
    and again on commit: a list cached in between, from rows not yet committed, is retired."""
    _bump()
    transaction.on_commit(_bump, robust=True)


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet, or the cache lost it: any new value retires the lists
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def cached_accounts_for_user(user):
    key = f"register:accounts:{user.pk}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    today = timezone.localdate()
    stored = found.get(key)
    if version is not None and stored is not None and stored[:2] == (version, today):
        return stored[2]
    accounts = list(accounts_for_user(user))
    if version is None:
        _bump()
        version = cache.get(VERSION_KEY)
    cache.set(key, (version, today, accounts), TIMEOUT)
    return accounts

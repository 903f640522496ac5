"""The content of an account's money pages, cached under everything it shows.

A page's key holds the account, its ledger's version (rows posted so far, kept by the summary's
triggers) and totals, the day, the language, the register's version (addresses, numbers), the
interest rates, the data-as-of date, the settings that change what is shown and the page's own
variant. Any posting, register change, new day or rate moves the key, so a cached page is never
older than what it shows. The view checks access and reads the total first; what the page
needs beyond that is computed lazily, only when the cache has no content for the key.
"""

import hashlib
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from accounts.register_cache import VERSION_KEY as REGISTER_KEY
from billing.bank.queries import data_as_of
from billing.ledger.queries import interest_rates
from billing.ledger.totals import GENERATION_KEY


def page_key(name, account, total, variant="") -> str | None:
    """The cache key of one page of `account`, or None when it must not be cached (the
    register's version is not known)."""
    found = cache.get_many([REGISTER_KEY, GENERATION_KEY])
    register = found.get(REGISTER_KEY)
    if register is None:
        return None
    parts = [
        name,
        account.pk,
        total.changes,
        total.charged,
        total.paid,
        timezone.localdate(),
        translation.get_language(),
        register,
        found.get(GENERATION_KEY, 0),
        tuple(interest_rates()),
        data_as_of(),
        settings.BILLING_SHOW_INTEREST,
        variant,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def lazy_context(build, names) -> dict:
    """{name: a lazy value}; `build()` (returning them all) runs once, on first use."""
    memo: dict = {}

    def value(name):
        if not memo:
            memo.update(build())
        return memo[name]

    return {name: SimpleLazyObject(partial(value, name)) for name in names}


def cache_context(key) -> dict:
    """What the pages' `{% cache %}` tag takes: no key, no caching."""
    seconds = settings.BILLING_PAGE_CACHE_SECONDS if key else 0
    return {"page_cache_seconds": seconds, "page_key": key or ""}

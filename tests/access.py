"""Access scoping, declared once for every resident URL.

Each URL pattern outside the admin and allauth is declared here: `SCOPED` for pages of one
resident's object (the owner gets it, anybody else a 404), `PRIVATE` for pages that only need a
login, `PUBLIC` for pages anyone may open. tests/ebok/test_access_scoping.py walks the URL
resolver, so a new pattern that is not declared here fails the suite. A feature adds its URLs
here with a `make` that creates an object of the given user and returns the URL's arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from messaging import notify


@dataclass(frozen=True)
class ScopedURL:
    name: str
    make: Callable  # make(user) -> URL args of an object the user may see
    method: str = "get"

    def __str__(self):
        return self.name


def own_account(user):
    return [user.account_accesses.get().account.pk]


def own_meter(user):
    from tests.meters.factories import meter_of

    return [meter_of(user).pk]


def own_reading_photo(user):
    from django.core.files.base import ContentFile

    from tests.meters.factories import ReadingFactory, meter_of

    reading = ReadingFactory.build(meter=meter_of(user), submitted_by=user)
    reading.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
    return [reading.pk]


def own_notification(user):
    return [notify(user, "Test", "Body").pk]


SCOPED = [
    ScopedURL("account_detail", own_account),
    ScopedURL("billing:balance", own_account),
    ScopedURL("billing:current", own_account),
    ScopedURL("billing:history", own_account),
    ScopedURL("billing:history_csv", own_account),
    ScopedURL("billing:history_pdf", own_account),
    ScopedURL("billing:pay", own_account),
    ScopedURL("billing:pay_qr", own_account),
    ScopedURL("meters:detail", own_meter),
    ScopedURL("meters:submit", own_meter),
    ScopedURL("meters:photo", own_reading_photo),
    ScopedURL("messaging:notification_detail", own_notification),
]

# name -> HTTP method a logged-in resident uses
PRIVATE = {
    "dashboard": "get",
    "billing:index": "get",
    "first_password": "get",
    "meters:index": "get",
    "messaging:notification_list": "get",
    "messaging:read_all": "post",
}

PUBLIC = {"activate"}

# Third-party URL trees, tested by their authors and by our login tests.
FOREIGN_PREFIXES = ("admin/", "auth/", "i18n/")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def resident_url_names():
    """(route, name) of every URL pattern that is ours, not the admin's or allauth's."""
    return [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(FOREIGN_PREFIXES)
    ]


def declared_names():
    return {u.name for u in SCOPED} | set(PRIVATE) | PUBLIC

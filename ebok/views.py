from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.register_cache import cached_accounts_for_user
from messaging.queries import unread_for_user

from .tiles import tiles_for


@login_required
def dashboard(request):
    accounts = cached_accounts_for_user(request.user)
    unread, unread_count = unread_for_user(request.user)
    tiles = tiles_for(accounts, unread_count)
    return render(
        request,
        "ebok/dashboard.html",
        {
            "accounts": accounts,
            "tiles": tiles,
            # the menu's link follows the tile; the context processor would ask the database
            "shows_resolutions": any(t.url_name == "resolutions:index" for t, _ in tiles),
            "unread": unread,
            "unread_count": unread_count,
        },
    )


def hello(request):
    """A bare Django response, mounted only with EBOK_BENCH_HELLO=true (make bench)."""
    return HttpResponse("hello", content_type="text/plain")

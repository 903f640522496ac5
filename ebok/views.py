from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accounts.register_cache import cached_accounts_for_user
from billing.ledger.queries import states_of
from billing.ledger.summary import summarize
from faults.queries import open_count_for_accounts
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
            # what each account owes and by when: the ledger summary, not the history
            "accounts": accounts,
            "rows": [(account, summarize(state)) for account, state in states_of(accounts)],
            "open_faults": open_count_for_accounts([account.pk for account in accounts]),
            "tiles": tiles,
            "unread": unread,
            "unread_count": unread_count,
        },
    )


def hello(request):
    """A bare Django response, mounted only with EBOK_BENCH_HELLO=true (make bench)."""
    return HttpResponse("hello", content_type="text/plain")


def server_error(request):
    """The 500 page, rendered without the request: no context processor runs, so nothing
    reads the database, the cache or the session that may be what failed."""
    context = {
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_PHONE": settings.MANAGER_PHONE,
        "MANAGER_EMAIL": settings.MANAGER_EMAIL,
    }
    return HttpResponseServerError(loader.render_to_string("500.html", context))

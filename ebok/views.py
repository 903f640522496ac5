from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.queries import accounts_for_user
from messaging.queries import unread_for_user

from .tiles import tiles_for


@login_required
def dashboard(request):
    accounts = list(accounts_for_user(request.user))
    unread, unread_count = unread_for_user(request.user)
    return render(
        request,
        "ebok/dashboard.html",
        {
            "accounts": accounts,
            "tiles": tiles_for(accounts, unread_count),
            "unread": unread,
            "unread_count": unread_count,
        },
    )


def hello(request):
    """A bare Django response, mounted only with EBOK_BENCH_HELLO=true (make bench)."""
    return HttpResponse("hello", content_type="text/plain")

"""Paying by bank transfer: the recipient, title and amount to type, and the same as a QR code
that banking apps read (ZBP recommendation)."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse

from billing.account.queries import get_account_total_for_user
from billing.account.views import account_page
from billing.bank.qr import MAX_AMOUNT, qr_png
from billing.bank.transfer import recipient_of, transfer_for, transfer_title
from billing.ledger.balances import ZERO
from billing.ledger.queries import state_of
from billing.ledger.summary import summarize
from core.downloads import download_view


@login_required
def pay(request, pk):
    account, total = get_account_total_for_user(request.user, pk)

    def build():
        summary = summarize(state_of(account, total))
        name, nip = recipient_of(account)
        return {
            "summary": summary,
            "recipient_name": name,
            "recipient_nip": nip,
            "title": transfer_title(account),
            "amount_in_qr": 0 < summary.owed <= MAX_AMOUNT,
            "qr_max": MAX_AMOUNT,
            "qr_filename": qr_filename(account),
        }

    names = [
        "summary",
        "recipient_name",
        "recipient_nip",
        "title",
        "amount_in_qr",
        "qr_max",
        "qr_filename",
    ]
    return account_page(request, "billing/pay.html", account, total, build, names)


def qr_filename(account):
    return f"przelew-{account.number}.png"


@download_view
@login_required
def pay_qr(request, pk):
    """The transfer's QR code; with ?pobierz, as a file to save (for a banking app on the same
    phone, which reads a code from a saved picture)."""
    account, total = get_account_total_for_user(request.user, pk)
    transfer = transfer_for(account, max(total.charged - total.paid, ZERO))
    # The image is a function of the transfer's fields: cached under them.
    key = "billing:qr:" + hashlib.sha256(repr(transfer).encode()).hexdigest()
    png = cache.get(key)
    if png is None:
        png = qr_png(transfer)
        cache.set(key, png, 24 * 60 * 60)
    response = HttpResponse(png, content_type="image/png")
    if "pobierz" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="{qr_filename(account)}"'
    return response

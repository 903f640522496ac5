"""Paying by bank transfer: the recipient, title and amount to type, and the same as a QR code
that banking apps read (ZBP recommendation)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from billing.bank.qr import MAX_AMOUNT, qr_png
from billing.bank.transfer import recipient_of, transfer_for, transfer_title
from billing.ledger import queries
from billing.ledger.summary import summarize
from billing.ledger.views import account_page


@login_required
def pay(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    summary = summarize(state)
    name, nip = recipient_of(account)
    return account_page(
        request,
        "billing/pay.html",
        account,
        state,
        recipient_name=name,
        recipient_nip=nip,
        title=transfer_title(account),
        amount_in_qr=0 < summary.owed <= MAX_AMOUNT,
        qr_max=MAX_AMOUNT,
    )


@login_required
def pay_qr(request, pk):
    account, state = queries.get_account_state_for_user(request.user, pk)
    png = qr_png(transfer_for(account, state.owed))
    return HttpResponse(png, content_type="image/png")

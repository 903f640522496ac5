"""The resident's certificate of no arrears, and the public page that checks one by its code
(validity, issue date, account number — nothing personal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.queries import get_account_for_user
from billing.bank.queries import data_as_of
from billing.certificates import queries
from billing.certificates import services as certificates
from billing.ledger.queries import account_state_of
from core.downloads import download_view
from core.pdf_jobs import stored_pdf_or_again


@login_required
@require_http_methods(["GET", "POST"])
def certificate(request, pk):
    account = get_account_for_user(request.user, pk)
    refused = None
    if request.method == "POST":
        try:
            issued = certificates.certificate_request(user=request.user, account=account)
        except certificates.CertificateRefused as error:
            refused = error.overdue
        else:
            messages.success(
                request, _("Certificate %(number)s is issued.") % {"number": issued.number}
            )
            return redirect("billing:certificate", pk=account.pk)
    else:
        ledger = account_state_of(account)
        refused = certificates.overdue_of(ledger) or None
    rows = queries.certificates_of_account(account)
    return render(
        request,
        "billing/certificate.html",
        {
            "account": account,
            "overdue": refused,
            "certificates": rows,
            "waiting": any(c.pdf_status in ("pending", "rendering") for c in rows),
            "data_as_of": data_as_of(),
        },
        status=200,
    )


@download_view
@login_required
def certificate_pdf(request, pk):
    item = queries.get_certificate_for_user(request.user, pk)
    response = stored_pdf_or_again(
        item,
        certificates.filename_of(item),
        lambda: certificates.certificate_pdf_again(certificate_id=item.pk),
    )
    if response:
        return response
    messages.info(request, _("The PDF is being prepared. Try again in a minute."))
    return redirect("billing:certificate", pk=item.account_id)


def verify(request):
    code = (request.GET.get("code") or "").strip()
    if code:
        found = queries.certificate_by_code(code)
        if found is not None:
            return redirect("billing:verify_code", code=found.verification_code)
        return _not_found(request, code)
    return render(request, "billing/verify.html", {"code": ""})


def verify_code(request, code):
    found = queries.certificate_by_code(code)
    if found is None:
        return _not_found(request, code)
    return render(request, "billing/verify_result.html", {"certificate": found})


def _not_found(request, code):
    return render(
        request, "billing/verify.html", {"code": code[:40], "not_found": True}, status=404
    )

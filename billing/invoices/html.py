"""What an invoice's template needs, from the invoice's own rows (its snapshot)."""

import segno
from django.conf import settings

from accounts.validators import format_nrb
from billing.bank.qr import MAX_AMOUNT, Transfer, qr_code
from billing.invoices.ksef_codes import invoice_link
from billing.invoices.ksef_sending import qr_url
from billing.invoices.words import amount_in_words

NOT_IN_KSEF = ("off", "invalid", "seller")


def qr_title(invoice) -> str:
    # ≤ 32 characters: the invoice number first, then the account that the money goes to.
    return f"{invoice.number} konto {invoice.account.number}"


def transfer_of(invoice) -> Transfer:
    return Transfer(
        nip=invoice.seller_nip,
        nrb=invoice.bank_account,
        amount=invoice.gross_total,
        name=invoice.seller_name,
        title=qr_title(invoice),
    )


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=3, border=4)


def ksef_codes(invoice) -> dict:
    """KOD I with the KSeF number under it, or OFFLINE before there is one; KOD II with
    CERTYFIKAT under it for an invoice issued offline (kody-qr.md). None while the invoice is
    not in KSeF's hands at all (KSeF off, an XML the schema refused, or a community that issues
    its own invoices in KSeF): there is nothing in KSeF to check."""
    base = qr_url()
    document = getattr(invoice, "fa3", None)
    if base is None or document is None or invoice.ksef_status in NOT_IN_KSEF:
        return {"ksef_link": None}
    link = invoice_link(base, invoice.seller_nip, invoice.issue_date, bytes(document.xml))
    return {
        "ksef_link": link,
        "ksef_qr": qr_svg(link),
        "ksef_label": invoice.ksef_number or "OFFLINE",
        "offline_qr": qr_svg(invoice.offline_code_url) if invoice.offline_code_url else None,
    }


def invoice_context(invoice) -> dict:
    lines = list(invoice.lines.all())
    rates = list(invoice.rate_totals.all())
    return {
        "invoice": invoice,
        "lines": [line for line in lines if line.state == "line"],
        "lines_before": [line for line in lines if line.state == "before"],
        "lines_after": [line for line in lines if line.state == "after"],
        "rates": [r for r in rates if r.state == "total"],
        "rates_before": [r for r in rates if r.state == "before"],
        "rates_after": [r for r in rates if r.state == "after"],
        "rates_difference": [r for r in rates if r.state == "difference"],
        "has_exempt": any(line.vat_rate == "zw" for line in lines),
        "has_not_subject": any(line.vat_rate == "np" for line in lines),
        "total_in_words": amount_in_words(abs(invoice.gross_total)),
        "bank_account_display": format_nrb(invoice.bank_account),
        "qr_svg": qr_code(transfer_of(invoice)).svg_data_uri(scale=4, border=4)
        if invoice.payable
        else None,
        "qr_has_amount": 0 < invoice.gross_total <= MAX_AMOUNT,
        "qr_title": qr_title(invoice),
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
        "MANAGER_PHONE": settings.MANAGER_PHONE,
        "MANAGER_EMAIL": settings.MANAGER_EMAIL,
        "LANGUAGE_CODE": "pl",
        **ksef_codes(invoice),
    }

"""What an invoice's template needs, from the invoice's own rows (its snapshot)."""

from django.conf import settings

from accounts.validators import format_nrb
from billing.bank.qr import MAX_AMOUNT, Transfer, qr_code
from billing.invoices.words import amount_in_words


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


def invoice_context(invoice) -> dict:
    lines = list(invoice.lines.all())
    rates = list(invoice.rate_totals.all())
    payable = invoice.gross_total > 0
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
        "exemption_basis": settings.INVOICE_EXEMPTION_BASIS,
        "total_in_words": amount_in_words(abs(invoice.gross_total)),
        "bank_account_display": format_nrb(invoice.bank_account),
        "payable": payable,
        "qr_svg": qr_code(transfer_of(invoice)).svg_data_uri(scale=4, border=4)
        if payable
        else None,
        "qr_has_amount": 0 < invoice.gross_total <= MAX_AMOUNT,
        "qr_title": qr_title(invoice),
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
        "MANAGER_PHONE": settings.MANAGER_PHONE,
        "MANAGER_EMAIL": settings.MANAGER_EMAIL,
        "LANGUAGE_CODE": "pl",
    }

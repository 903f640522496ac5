"""Demo invoices: the commercial leases (firma's café 1005, the hairdresser 1011, the garage
1009) get invoices for the last INVOICE_MONTHS months they were charged: back to the first
half-year the water demo settles (July 2025), so the settlement corrects invoiced advances.
Safe to run twice: issuing returns the invoice a month already has. Each is dated as if
issued on the day its month was charged (the month's first day), so no payment date comes
before an issue date."""

from accounts.models import Account
from billing.invoices.services import InvoiceError, invoice_issue_for_month
from billing.ledger.models import Charge

INVOICE_MONTHS = 18


def seed_invoices(*, today) -> int:
    issued = 0
    for account in Account.objects.filter(kind=Account.Kind.COMMERCIAL_LEASE).select_related(
        "premises__building__community"
    ):
        periods = (
            Charge.objects.filter(account=account, period__isnull=False, period__lte=today)
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct()[:INVOICE_MONTHS]
        )
        for period in sorted(periods):
            before = account.invoices.count()
            try:
                invoice_issue_for_month(account=account, period=period, issue_date=period)
            except InvoiceError:
                continue
            issued += account.invoices.count() - before
    return issued

"""Reads for the resident's invoice pages: only invoices of the user's commercial accounts."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Account
from accounts.queries import accounts_for_user
from billing.invoices.models import Invoice, InvoiceLine, InvoiceXml
from billing.ledger.balances import ZERO
from billing.ledger.deadlines import deadline
from billing.ledger.queries import account_state_of


def invoice_accounts_for_user(user):
    """The user's commercial leases, and any other account of theirs invoiced on request."""
    return (
        accounts_for_user(user)
        .filter(Q(kind=Account.Kind.COMMERCIAL_LEASE) | Q(invoices__isnull=False))
        .distinct()
    )


def invoices_for_user(user) -> QuerySet[Invoice]:
    return Invoice.objects.filter(account__in=invoice_accounts_for_user(user))


def get_invoice_for_user(user, pk) -> Invoice:
    invoice = invoices_for_user(user).filter(pk=pk).select_related("account").first()
    if invoice is None:
        raise Http404
    return invoice


def fa3_xml_of(invoice) -> bytes:
    """The invoice's stored FA(3) bytes; b"" when there are none (never built, or refused)."""
    if invoice.ksef_status == Invoice.KsefStatus.INVALID:
        return b""
    xml = InvoiceXml.objects.filter(invoice=invoice).values_list("xml", flat=True).first()
    return bytes(xml or b"")


@dataclass
class InvoiceRow:
    invoice: Invoice
    status: str  # paid / unpaid / overdue / "" for a correction
    unpaid: object


def status_of(invoice, unpaid_by_charge, today):
    """From the ledger: what is still unpaid of the charges the invoice bills."""
    if invoice.is_correction:
        return "", ZERO
    unpaid = sum((unpaid_by_charge.get(charge_id, ZERO) for charge_id in invoice.charge_ids), ZERO)
    if unpaid <= 0:
        return "paid", ZERO
    return ("overdue" if deadline(invoice.due_date) < today else "unpaid"), unpaid


def invoice_rows_for_user(user, today=None):
    """(accounts, [InvoiceRow]) of the user's commercial accounts; 404 when there are none.
    The open items of each account, one query for the invoices, one for their lines' charges."""
    today = today or timezone.localdate()
    accounts = list(invoice_accounts_for_user(user))
    if not accounts:
        raise Http404
    unpaid_by_charge = {}
    for account in accounts:
        state = account_state_of(account, today)
        unpaid_by_charge.update({s.charge.pk: s.unpaid for s in state.unpaid})
    invoices = list(
        Invoice.objects.filter(account__in=accounts)
        .select_related("account", "corrects")
        .order_by("-issue_date", "-pk")
    )
    charge_ids: dict[int, list[int]] = {}
    for invoice_id, charge_id in InvoiceLine.objects.filter(
        invoice__in=invoices, state="line", charge__isnull=False
    ).values_list("invoice_id", "charge_id"):
        charge_ids.setdefault(invoice_id, []).append(charge_id)
    rows = []
    for invoice in invoices:
        invoice.charge_ids = charge_ids.get(invoice.pk, [])  # type: ignore[attr-defined]
        status, unpaid = status_of(invoice, unpaid_by_charge, today)
        rows.append(InvoiceRow(invoice, status, unpaid))
    return accounts, rows

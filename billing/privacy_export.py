"""Billing's part of the "my data" export (core/personal_data.py): charges, payments and
invoices of the accounts the person may act for now, and the certificates they asked for."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.personal_data import DATE, MONEY, MONTH, YES_NO, Column, Person, Row, Section

from .models import Certificate, Charge, Invoice, Payment

ACCOUNT = Column("account", _("Account"))


def _charges(person: Person) -> Iterator[Row]:
    charges = (
        Charge.objects.filter(account_id__in=person.accounts)
        .select_related("account")
        .order_by("account__number", "due_date", "pk")
    )
    for c in charges:
        yield [c.account.number, c.description, c.period, c.due_date, c.amount]


def _payments(person: Person) -> Iterator[Row]:
    payments = (
        Payment.objects.filter(account_id__in=person.accounts)
        .select_related("account")
        .order_by("account__number", "paid_on", "pk")
    )
    for p in payments:
        yield [p.account.number, p.paid_on, p.amount, p.get_method_display(), p.title_text]


def _invoices(person: Person) -> Iterator[Row]:
    invoices = (
        Invoice.objects.filter(account_id__in=person.accounts)
        .select_related("account")
        .order_by("pk")
    )
    for i in invoices:
        yield [i.account.number, i.number, i.issue_date, i.gross_total]


def _certificates(person: Person) -> Iterator[Row]:
    for c in Certificate.objects.filter(requested_by=person.user).order_by("pk"):
        yield [c.number, c.account_number, c.issued_on, c.is_valid]


SECTIONS = [
    Section(
        "charges", "naliczenia", _("Charges"),
        [
            ACCOUNT,
            Column("title", _("Title")),
            Column("period", _("Month"), MONTH),
            Column("due_date", _("Due date"), DATE),
            Column("amount", _("Amount"), MONEY),
        ],
        _charges,
    ),
    Section(
        "payments", "wplaty", _("Payments"),
        [
            ACCOUNT,
            Column("paid_on", _("Paid on"), DATE),
            Column("amount", _("Amount"), MONEY),
            Column("method", _("Method")),
            Column("title", _("Title")),
        ],
        _payments,
    ),
    Section(
        "invoices", "faktury", _("Invoices"),
        [
            ACCOUNT,
            Column("number", _("Number")),
            Column("issued_on", _("Issued on"), DATE),
            Column("total", _("Gross total"), MONEY),
        ],
        _invoices,
    ),
    Section(
        "certificates", "zaswiadczenia", _("Certificates"),
        [
            Column("number", _("Number")),
            ACCOUNT,
            Column("issued_on", _("Issued on"), DATE),
            Column("valid", _("Valid"), YES_NO),
        ],
        _certificates,
    ),
]

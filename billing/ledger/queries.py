"""Reads for billing pages, scoped to the user's own accounts."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from accounts.queries import accounts_for_user
from billing.bank.models import StatementImport, StatementLine
from billing.ledger.balances import Ledger, build_ledger
from billing.ledger.history import entries_of
from billing.ledger.models import Charge, InterestRate, Payment


def interest_rates():
    if not settings.BILLING_SHOW_INTEREST:
        return []
    return list(InterestRate.objects.values_list("valid_from", "rate"))


def ledger_for_account(account, today=None):
    """The account's whole ledger in three queries, whatever the length of its history."""
    charges = list(Charge.objects.filter(account=account).order_by("due_date", "pk"))
    payments = list(Payment.objects.filter(account=account).order_by("paid_on", "pk"))
    return build_ledger(
        charges, payments, rates=interest_rates(), today=today or timezone.localdate()
    )


@dataclass
class AccountBooks:
    """One account's rows and what they add up to: the ledger and the dated entries."""

    account: object
    charges: list
    payments: list
    ledger: Ledger

    @property
    def entries(self):
        return entries_of(self.charges, self.payments)


def get_books_for_user(user, account_pk, today=None) -> AccountBooks:
    """One of the user's accounts with all its rows, or 404; a constant number of queries."""
    account = accounts_for_user(user).filter(pk=account_pk).first()
    if account is None:
        raise Http404
    today = today or timezone.localdate()
    charges = list(Charge.objects.filter(account=account).order_by("due_date", "pk"))
    payments = list(Payment.objects.filter(account=account).order_by("paid_on", "pk"))
    ledger = build_ledger(charges, payments, rates=interest_rates(), today=today)
    return AccountBooks(account, charges, payments, ledger)


def ledgers_for_user(user, today=None) -> list:
    """[(account, ledger)] of all the user's active accounts, in four queries."""
    today = today or timezone.localdate()
    accounts = list(accounts_for_user(user))
    ids = [a.pk for a in accounts]
    charges, payments = defaultdict(list), defaultdict(list)
    for charge in Charge.objects.filter(account_id__in=ids).order_by("due_date", "pk"):
        charges[charge.account_id].append(charge)
    for payment in Payment.objects.filter(account_id__in=ids).order_by("paid_on", "pk"):
        payments[payment.account_id].append(payment)
    rates = interest_rates() if ids else []
    return [
        (a, build_ledger(charges[a.pk], payments[a.pk], rates=rates, today=today))
        for a in accounts
    ]


def data_as_of():
    """The day the money data is current to: the newest booking date of a finished bank
    statement import, or else the newest posted payment. None when there is neither."""

    booked = StatementLine.objects.filter(statement__status=StatementImport.Status.DONE).aggregate(
        day=Max("booked_on")
    )["day"]
    if booked:
        return booked
    return Payment.objects.filter(corrects__isnull=True).aggregate(day=Max("paid_on"))["day"]

"""Reads for billing pages, scoped to the user's own accounts."""

from django.conf import settings
from django.utils import timezone

from accounts.queries import get_account_for_user

from .ledger import build_ledger
from .models import Charge, InterestRate, Payment


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


def get_ledger_for_user(user, account_pk, today=None):
    """(account, ledger) of one of the user's accounts, or 404."""
    account = get_account_for_user(user, account_pk)
    return account, ledger_for_account(account, today)

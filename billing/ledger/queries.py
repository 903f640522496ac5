"""An account's money as every room reads it: its balance, open items and interest from the
ledger summary (account_state_of, states_of), and its whole ledger for checking that summary
(ledger_for_account). The resident's pages add their own reads (billing/account/queries.py)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from billing.ledger.balances import ZERO, build_ledger
from billing.ledger.models import Charge, InterestRate, LedgerTotal, Payment
from billing.ledger.open_items import AccountState, OpenItemsReader, account_state, from_grosze

RATES_KEY = "billing:interest-rates"


def interest_rates():
    """[(valid from, rate)]: cached until the table changes (signals.py clears it)."""
    if not settings.BILLING_SHOW_INTEREST:
        return []
    rates = cache.get(RATES_KEY)
    if rates is None:
        rates = list(InterestRate.objects.values_list("valid_from", "rate"))
        cache.set(RATES_KEY, rates, 60 * 60)
    return rates


def ledger_for_account(account, today=None):
    """The account's whole ledger, every row of its history: the reference that the summary
    is checked against (pages use account_state_of)."""
    charges = list(Charge.objects.filter(account=account).order_by("due_date", "pk"))
    payments = list(Payment.objects.filter(account=account).order_by("paid_on", "pk"))
    return build_ledger(
        charges, payments, rates=interest_rates(), today=today or timezone.localdate()
    )


# Charges read per query while looking for the open items: a few first (most debts are a
# month or two), twice as many each time after.
FIRST_CHUNK, LAST_CHUNK = 6, 96


@dataclass(frozen=True)
class Total:
    charged: Decimal
    paid: Decimal
    changes: int  # rows posted so far: the version of the account's ledger


NO_TOTAL = Total(ZERO, ZERO, 0)


def _totals(account_ids) -> dict:
    return {
        pk: Total(from_grosze(charged), from_grosze(paid), changes)
        for pk, charged, paid, changes in LedgerTotal.objects.filter(
            account_id__in=account_ids
        ).values_list("account_id", "charged", "paid", "changes")
    }


def open_items_of(account_id, owed: Decimal) -> list:
    """The charges that make up `owed`, newest first: as many rows as the debt has charges
    (and a few more), however long the history."""
    reader = OpenItemsReader(owed)
    last, chunk = None, FIRST_CHUNK
    while not reader.done:
        charges = Charge.objects.filter(account_id=account_id).order_by("-due_date", "-pk")
        if last is not None:
            charges = charges.filter(
                Q(due_date__lt=last.due_date) | Q(due_date=last.due_date, pk__lt=last.pk)
            )
        batch = list(charges[:chunk])
        reader.feed(batch)
        if len(batch) < chunk:
            break
        last, chunk = batch[-1], min(chunk * 2, LAST_CHUNK)
    return reader.items


def _state(account_id, totals, rates, today) -> AccountState:
    total = totals.get(account_id, NO_TOTAL)
    charged, paid = total.charged, total.paid
    items = open_items_of(account_id, charged - paid) if charged > paid else []
    return account_state(charged, paid, items, rates, today)


def account_state_of(account, today=None) -> AccountState:
    """An account's balance, open items and interest: two queries and its open items."""
    today = today or timezone.localdate()
    return _state(account.pk, _totals([account.pk]), interest_rates(), today)


def state_of(account, total: Total, today=None) -> AccountState:
    """The account's state from its total (read already) and its open items."""
    today = today or timezone.localdate()
    return _state(account.pk, {account.pk: total}, interest_rates(), today)


OPEN_ITEMS_SECONDS = 24 * 60 * 60


def _cached_open_items(account_id, total: Total) -> list:
    """open_items_of, cached under the ledger's version (rows posted so far, and the totals):
    any posting moves the key, as it does the money pages' (billing/account/page_cache.py)."""
    key = f"billing:open-items:{account_id}:{total.changes}:{total.charged}:{total.paid}"
    items: list | None = cache.get(key)
    if items is None:
        items = open_items_of(account_id, total.charged - total.paid)
        cache.set(key, items, OPEN_ITEMS_SECONDS)
    return items


def states_of(accounts, today=None) -> list:
    """[(account, AccountState)] of accounts already read (and access-checked): one query of
    their totals; the open items of those that owe come from the cache while their ledger
    has not changed."""
    if not accounts:
        return []
    today = today or timezone.localdate()
    totals = _totals([a.pk for a in accounts])
    rates = interest_rates()
    states = []
    for account in accounts:
        total = totals.get(account.pk, NO_TOTAL)
        owes = total.charged > total.paid
        items = _cached_open_items(account.pk, total) if owes else []
        states.append((account, account_state(total.charged, total.paid, items, rates, today)))
    return states

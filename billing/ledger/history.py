"""An account's history on rows already loaded (no queries here): every charge and payment in
date order with a running balance, a year's slice of it, and month-end balances for the chart.

A charge is dated by its due date (the day it is owed), a payment by the day the money arrived;
on the same day charges come first. Corrections are rows of their own, as on a bank statement.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from billing.ledger.models import Payment

ZERO = Decimal("0.00")


@dataclass
class Entry:
    day: date
    label: object  # the description, or the Payment it is worded from when first shown
    charge: Decimal | None  # what was charged (a correction may be negative)
    payment: Decimal | None  # what was paid
    balance: Decimal = ZERO  # payments − charges after this entry

    @property
    def description(self) -> str:
        # Worded only for the entries a page shows: a 10-year history has hundreds.
        if not isinstance(self.label, str):
            self.label = payment_description(self.label)
        return self.label

    @property
    def change(self) -> Decimal:
        return (self.payment or ZERO) - (self.charge or ZERO)


@dataclass
class History:
    entries: list  # [Entry] of the period
    opening: Decimal  # balance before the period
    year: int | None  # None: the whole history

    @property
    def closing(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening

    @property
    def charged(self) -> Decimal:
        return sum((e.charge for e in self.entries if e.charge is not None), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((e.payment for e in self.entries if e.payment is not None), ZERO)

    @property
    def first_day(self):
        if self.year:
            return date(self.year, 1, 1)
        return self.entries[0].day if self.entries else None

    @property
    def last_day(self):
        if self.year:
            return date(self.year, 12, 31)
        return self.entries[-1].day if self.entries else None


def payment_description(payment) -> str:
    if payment.corrects_id:
        return _("Payment correction: %(reason)s") % {"reason": payment.reason}
    label = capfirst(payment.get_method_display())
    if payment.method == Payment.Method.BANK and payment.title:
        return f"{label}: {payment.title}"
    return label


def entries_of(charges, payments) -> list:
    """Every entry in date order with the running balance."""
    rows = [(c.due_date, 0, c.pk, Entry(c.due_date, c.title, c.amount, None)) for c in charges]
    rows += [
        (p.paid_on, 1, p.pk, Entry(p.paid_on, p, None, p.amount))
        for p in payments
    ]
    rows.sort(key=lambda row: row[:3])
    balance = ZERO
    entries = []
    for *_key, entry in rows:
        balance += entry.change
        entry.balance = balance
        entries.append(entry)
    return entries


def years_of(entries) -> list:
    """The years that have entries, newest first."""
    return sorted({e.day.year for e in entries}, reverse=True)


def history_for(entries, year=None) -> History:
    if year is None:
        return History(entries=entries, opening=ZERO, year=None)
    before = [e for e in entries if e.day.year < year]
    return History(
        entries=[e for e in entries if e.day.year == year],
        opening=before[-1].balance if before else ZERO,
        year=year,
    )


def month_end_balances(entries, today: date, months: int = 24) -> list:
    """[(first day of the month, balance at its end)] for the last `months` months up to and
    including the current one (its balance as of today)."""
    month_starts = []
    year, month = today.year, today.month
    for _i in range(months):
        month_starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    month_starts.reverse()

    result = []
    balance, i = ZERO, 0
    for start in month_starts:
        nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        end = min(nxt, date.fromordinal(today.toordinal() + 1))
        while i < len(entries) and entries[i].day < end:
            balance = entries[i].balance
            i += 1
        result.append((start, balance))
    return result

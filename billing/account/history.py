"""An account's history on rows already loaded (no queries here): charges and payments in date
order with a running balance from the balance carried in.

A charge is dated by its due date (the day it is owed), a payment by the day the money arrived;
on the same day charges come first. Corrections are rows of their own, as on a bank statement.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from billing.ledger.models import Charge, Payment

ZERO = Decimal("0.00")


@dataclass
class Entry:
    day: date
    label: object  # the description, or the Charge or Payment it is worded from when first shown
    charge: Decimal | None  # what was charged (a correction may be negative)
    payment: Decimal | None  # what was paid
    balance: Decimal = ZERO  # payments − charges after this entry

    @property
    def description(self) -> str:
        # Worded only for the entries a page shows: a 10-year history has hundreds.
        if isinstance(self.label, Charge):
            self.label = self.label.description
        elif not isinstance(self.label, str):
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


def entries_of(charges, payments, opening: Decimal = ZERO) -> list:
    """Every entry in date order with the running balance, starting from `opening`."""
    rows = [(c.due_date, 0, c.pk, Entry(c.due_date, c, c.amount, None)) for c in charges]
    rows += [
        (p.paid_on, 1, p.pk, Entry(p.paid_on, p, None, p.amount))
        for p in payments
    ]
    rows.sort(key=lambda row: row[:3])
    balance = opening
    entries = []
    for *_key, entry in rows:
        balance += entry.change
        entry.balance = balance
        entries.append(entry)
    return entries

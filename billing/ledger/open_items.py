"""An account's balance, open items and interest from its ledger summary and its newest charges,
as the pages read it: no history is read (balances.py computes the same from all of it).

Payments pay the oldest charges first (balances.py), so what is unpaid is always the newest
charges, by due date, that together make up what is owed (charges − payments). Reading the
charges from the newest back until they cover that amount gives every open item with its
unpaid part; everything older is paid. Corrections carry their original's due date and come
after it (a later id), so reading backwards meets a correction before the charge it corrects.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.ledger.balances import ZERO, Deadlined, DebtFigures, interest_for, rate_schedule
from core.money import money

GROSZ = Decimal("0.01")


@dataclass
class OpenItem(Deadlined):
    charge: object  # the original Charge
    amount: Decimal  # with its corrections
    unpaid: Decimal
    open_interest: Decimal = ZERO

    @property
    def paid(self) -> Decimal:
        return self.amount - self.unpaid


class OpenItemsReader:
    """Fed charges newest first (by due date, then id), keeps the open items until what is
    owed is covered."""

    def __init__(self, owed: Decimal):
        self.remaining = owed
        self.items: list[OpenItem] = []
        self._corrections: dict[int, Decimal] = {}

    @property
    def done(self) -> bool:
        return self.remaining <= 0

    def feed(self, charges) -> bool:
        for charge in charges:
            if self.done:
                break
            if charge.corrects_id:
                self._corrections[charge.corrects_id] = (
                    self._corrections.get(charge.corrects_id, ZERO) + charge.amount
                )
                continue
            amount = charge.amount + self._corrections.pop(charge.pk, ZERO)
            if amount <= 0:
                continue
            unpaid = min(amount, self.remaining)
            self.items.append(OpenItem(charge=charge, amount=amount, unpaid=unpaid))
            self.remaining -= unpaid
        return self.done


@dataclass
class AccountState(DebtFigures):
    """What Ledger (balances.py) tells about an account, from its totals and open items."""

    charged: Decimal
    paid: Decimal
    today: date
    unpaid: list = field(default_factory=list)  # [OpenItem] in due order, oldest first

    @property
    def owed(self) -> Decimal:
        return max(self.charged - self.paid, ZERO)

    def unpaid_of(self, charge_pk) -> Decimal:
        return next((s.unpaid for s in self.unpaid if s.charge.pk == charge_pk), ZERO)


def account_state(charged: Decimal, paid: Decimal, items, rates, today: date) -> AccountState:
    """The state of an account from its totals and its open items (newest first, as read)."""
    schedule = rate_schedule(rates)
    ordered = sorted(items, key=lambda s: (s.due_date, s.charge.pk))
    for item in ordered:
        item.open_interest = money(interest_for(item.unpaid, item.due_date, today, schedule))
    return AccountState(charged=charged, paid=paid, today=today, unpaid=ordered)


def from_grosze(value: int) -> Decimal:
    return (Decimal(value) * GROSZ).quantize(GROSZ)

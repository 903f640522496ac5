"""An account's balance from its whole history (build_ledger), and the interest arithmetic the
other computations share, on rows already loaded: no queries here.

Payments pay the oldest charges first (by due date), so each charge knows what is still unpaid,
when each part of it was paid, and the statutory interest for delay that accrued. A correction
folds into the entry it corrects and carries that entry's due date. A charge is late only after
its deadline, the due date moved past weekends and holidays (art. 115 k.c., deadlines.py).

This is the whole-history computation, the reference: pages read an account's state from the
ledger summary and its open items (open_items.py); tests hold the two to the same figures.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.utils import timezone

from billing.ledger.deadlines import deadline
from core.money import money

ZERO = Decimal("0.00")
DAYS_IN_YEAR = Decimal(365)


class ChargeDates:
    """A charge's dates, for anything that wraps one in `charge`."""

    charge: object

    @property
    def due_date(self) -> date:
        return self.charge.due_date

    @property
    def deadline(self) -> date:
        return deadline(self.charge.due_date)


class Deadlined(ChargeDates):
    """ChargeDates of a charge whose `unpaid` part is known."""

    unpaid: Decimal

    def is_overdue(self, today: date) -> bool:
        return self.unpaid > 0 and self.deadline < today


class DebtFigures:
    """What is owed and by when, from `unpaid` (the open charges, oldest first) and `today`."""

    unpaid: list
    today: date
    paid: Decimal
    charged: Decimal

    @property
    def balance(self) -> Decimal:
        """Payments − charges: negative is a debt, positive an overpayment."""
        return self.paid - self.charged

    @property
    def overdue(self) -> Decimal:
        return sum((s.unpaid for s in self.unpaid if s.is_overdue(self.today)), ZERO)

    @property
    def oldest_overdue_date(self):
        return next((s.deadline for s in self.unpaid if s.is_overdue(self.today)), None)

    @property
    def next_due_date(self):
        """The deadline of the next unpaid charge that is not overdue yet."""
        return next((s.deadline for s in self.unpaid if s.deadline >= self.today), None)

    @property
    def open_interest(self) -> Decimal:
        return sum((s.open_interest for s in self.unpaid), ZERO)


@dataclass
class ChargeState(Deadlined):
    charge: object  # the original Charge
    amount: Decimal  # with its corrections
    paid_parts: list = field(default_factory=list)  # [(date, Decimal)]
    interest: Decimal = ZERO  # on the parts paid late and on what is unpaid, to today
    open_interest: Decimal = ZERO  # on what is unpaid only, to today
    paid: Decimal = ZERO  # the sum of paid_parts, kept by pay()
    unpaid: Decimal = field(init=False)

    def __post_init__(self):
        self.unpaid = self.amount - self.paid

    def pay(self, day: date, part: Decimal):
        self.paid_parts.append((day, part))
        self.paid += part
        self.unpaid = self.amount - self.paid


@dataclass
class Ledger(DebtFigures):
    charges: list  # [ChargeState] in due order
    charged: Decimal
    paid: Decimal
    today: date

    @property
    def unpaid(self) -> list:  # type: ignore[override]
        return [s for s in self.charges if s.unpaid > 0]

    @property
    def interest(self) -> Decimal:
        return sum((s.interest for s in self.charges), ZERO)


def fold_corrections(entries: Iterable[Any]) -> list[tuple[Any, Decimal]]:
    """(original, effective amount) for entries whose `corrects_id` points at an original."""
    corrections = defaultdict(lambda: ZERO)
    originals = []
    for entry in entries:
        if entry.corrects_id:
            corrections[entry.corrects_id] += entry.amount
        else:
            originals.append(entry)
    return [(entry, entry.amount + corrections[entry.pk]) for entry in originals]


def build_ledger(charges, payments, rates=(), today=None) -> Ledger:
    """Allocate `payments` to `charges` oldest first; interest with `rates` (InterestRate rows
    or (valid_from, rate) pairs) up to `today` for what is still unpaid."""
    today = today or timezone.localdate()
    states = [
        ChargeState(charge=c, amount=max(amount, ZERO))
        for c, amount in sorted(
            fold_corrections(charges), key=lambda pair: (pair[0].due_date, pair[0].pk)
        )
    ]
    pool = [
        [p.paid_on, amount]
        for p, amount in sorted(
            fold_corrections(payments), key=lambda pair: (pair[0].paid_on, pair[0].pk)
        )
        if amount > 0
    ]
    # A charge corrected below zero is a credit, as if paid on its due date.
    pool += [[c.due_date, -amount] for c, amount in fold_corrections(charges) if amount < 0]
    pool.sort(key=lambda item: item[0])

    queue = iter(states)
    current = next(queue, None)
    for item in pool:
        while item[1] > 0 and current is not None:
            part = min(item[1], current.unpaid)
            if part > 0:
                current.pay(item[0], part)
                item[1] -= part
            if current.unpaid <= 0:
                current = next(queue, None)

    schedule = rate_schedule(rates)
    for state in states:
        state.interest = charge_interest(state, schedule, today)
        state.open_interest = money(interest_for(state.unpaid, state.due_date, today, schedule))

    return Ledger(
        charges=states,
        charged=sum((c.amount for c in charges), ZERO),
        paid=sum((p.amount for p in payments), ZERO),
        today=today,
    )


def rate_schedule(rates):
    pairs = [(r.valid_from, r.rate) if hasattr(r, "rate") else tuple(r) for r in rates]
    return sorted((day, Decimal(rate)) for day, rate in pairs)


def rate_periods(due_date: date, paid_on: date, schedule) -> list:
    """[(first day, last day, rate)] of the delay of a payment due on `due_date` and made on
    `paid_on`: from the day after the deadline (art. 115 k.c.) up to and including `paid_on`,
    one period for each rate in force."""
    start = deadline(due_date) + timedelta(days=1)
    if paid_on < start or not schedule:
        return []
    periods = []
    # From the rate in force on `start` (bisect: a 10-year ledger asks this hundreds of times).
    i = max(bisect_right(schedule, start, key=itemgetter(0)) - 1, 0)
    while i < len(schedule) and schedule[i][0] <= paid_on:
        valid_from, rate = schedule[i]
        i += 1
        valid_to = schedule[i][0] - timedelta(days=1) if i < len(schedule) else paid_on
        first, last = max(start, valid_from), min(paid_on, valid_to)
        if last >= first:
            periods.append((first, last, rate))
    return periods


def interest_for(principal: Decimal, due_date: date, paid_on: date, schedule) -> Decimal:
    """Unrounded interest for delay on `principal` over rate_periods(): principal × rate / 100
    / 365 a day."""
    if principal <= 0:
        return Decimal(0)
    rate_days = sum(
        (
            rate * ((last - first).days + 1)
            for first, last, rate in rate_periods(due_date, paid_on, schedule)
        ),
        Decimal(0),
    )
    return principal * rate_days / 100 / DAYS_IN_YEAR


def charge_interest(state: ChargeState, schedule, today: date) -> Decimal:
    due = state.due_date
    total = sum(
        (interest_for(amount, due, day, schedule) for day, amount in state.paid_parts), Decimal(0)
    )
    if state.unpaid > 0:
        total += interest_for(state.unpaid, due, today, schedule)
    return money(total)

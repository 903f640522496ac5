"""Interest already owed on charges paid after their deadline, as the office would claim it.

Payments pay the oldest charges first (balances.py). Each part of a payment that paid a charge
after its deadline (art. 115 k.c.) owes statutory interest from the day after the deadline up to
and including the day the money arrived, at the rates in force, split where the rate changes.

Only payments that arrived in the claim period count: from 1 January three years back (claims
for periodic payments expire after 3 years, at the end of a calendar year, art. 118 k.c.). The
caller reads the charges from the first month not paid before that day and the payments since
that day, with how much of those charges was paid before it (`paid_before`), so a page reads
the claim period's rows however long the history. No queries here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from billing.ledger.balances import (
    ZERO,
    ChargeDates,
    fold_corrections,
    interest_for,
    rate_periods,
)
from core.money import money

CLAIM_YEARS = 3


def claim_start(today: date) -> date:
    return date(today.year - CLAIM_YEARS, 1, 1)


@dataclass(frozen=True)
class RatePeriod:
    days: int
    rate: Decimal


@dataclass(frozen=True)
class LatePart(ChargeDates):
    """One part of a payment that paid one charge late, with its interest."""

    charge: Any  # the original Charge
    paid_on: date
    amount: Decimal
    periods: tuple  # (RatePeriod, …)
    interest: Decimal  # rounded to the grosz

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)


@dataclass(frozen=True)
class LateInterest:
    since: date  # the first day of the claim period
    parts: tuple  # (LatePart, …) by the day paid

    @property
    def total(self) -> Decimal:
        """The sum of the parts as shown, each rounded to the grosz."""
        return sum((p.interest for p in self.parts), ZERO)


def late_interest(
    charges, payments, *, paid_before: Decimal, schedule, since: date
) -> LateInterest:
    """LateInterest of the payments that arrived from `since` on. `charges`: every charge
    (corrections included) from the first one not fully paid before `since`; `payments`: every
    payment (and correction) dated from `since` on; `paid_before`: how much of `charges` was
    paid before `since`."""
    folded = sorted(fold_corrections(charges), key=lambda pair: (pair[0].due_date, pair[0].pk))
    queue = [[charge, max(amount, ZERO)] for charge, amount in folded]
    originals = {p.pk for p in payments if not p.corrects_id}
    # A correction of a payment that arrived before `since` belongs to that payment.
    opening = paid_before + sum(
        (p.amount for p in payments if p.corrects_id and p.corrects_id not in originals), ZERO
    )
    pool = [
        [p.paid_on, amount]
        for p, amount in sorted(
            fold_corrections(payments), key=lambda pair: (pair[0].paid_on, pair[0].pk)
        )
        if amount > 0
    ]
    # A charge corrected below zero is a credit on its due date, as in balances.build_ledger.
    for charge, amount in folded:
        if amount < 0:
            if charge.due_date < since:
                opening -= amount
            else:
                pool.append([charge.due_date, -amount])
    pool.sort(key=lambda item: item[0])

    parts = []
    position = 0
    for day, amount in [[None, opening], *pool]:
        while amount > 0 and position < len(queue):
            charge, unpaid = queue[position]
            part = min(amount, unpaid)
            if part > 0 and day is not None:
                periods = rate_periods(charge.due_date, day, schedule)
                if periods:
                    parts.append(
                        LatePart(
                            charge=charge,
                            paid_on=day,
                            amount=part,
                            periods=tuple(
                                RatePeriod(days=(last - first).days + 1, rate=rate)
                                for first, last, rate in periods
                            ),
                            interest=money(interest_for(part, charge.due_date, day, schedule)),
                        )
                    )
            amount -= part
            queue[position][1] = unpaid - part
            if queue[position][1] <= 0:
                position += 1
    return LateInterest(since=since, parts=tuple(p for p in parts if p.interest > 0))

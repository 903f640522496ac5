"""What a resident owes and by when, read off a built ledger (no queries here)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.ledger.balances import ZERO, Ledger


@dataclass(frozen=True)
class BalanceSummary:
    balance: Decimal  # payments − charges
    owed: Decimal  # every unpaid part, overdue or not
    overdue: Decimal  # unpaid after its due date
    overdue_since: date | None  # the oldest missed due date
    next_due_date: date | None  # the nearest due date still ahead
    next_due_amount: Decimal  # unpaid and due on that date
    interest: Decimal  # statutory interest for delay to date: an estimate

    SETTLED = "settled"
    OVERPAID = "overpaid"
    OWED = "owed"

    @property
    def state(self) -> str:
        if self.owed > 0:
            return self.OWED
        if self.balance > 0:
            return self.OVERPAID
        return self.SETTLED

    @property
    def overpaid(self) -> Decimal:
        return max(self.balance, ZERO)


def summarize(ledger: Ledger) -> BalanceSummary:
    today = ledger.today
    next_due = ledger.next_due_date
    return BalanceSummary(
        balance=ledger.balance,
        owed=sum((s.unpaid for s in ledger.unpaid), ZERO),
        overdue=ledger.overdue,
        overdue_since=ledger.oldest_overdue_date,
        next_due_date=next_due,
        next_due_amount=sum(
            (s.unpaid for s in ledger.unpaid if s.due_date == next_due and s.due_date >= today),
            ZERO,
        ),
        interest=ledger.interest,
    )

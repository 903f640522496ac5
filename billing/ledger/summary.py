"""What a resident owes and by when, read off a built ledger (no queries here)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.ledger.balances import ZERO


@dataclass(frozen=True)
class BalanceSummary:
    balance: Decimal  # payments − charges
    owed: Decimal  # every unpaid part, overdue or not
    overdue: Decimal  # unpaid after its due date
    overdue_since: date | None  # the oldest missed deadline
    next_due_date: date | None  # the nearest deadline still ahead (art. 115 k.c.)
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


def summarize(ledger) -> BalanceSummary:
    """Of a Ledger (the whole history) or an AccountState (the summary and open items)."""
    today = ledger.today
    next_due = ledger.next_due_date
    return BalanceSummary(
        balance=ledger.balance,
        owed=sum((s.unpaid for s in ledger.unpaid), ZERO),
        overdue=ledger.overdue,
        overdue_since=ledger.oldest_overdue_date,
        next_due_date=next_due,
        next_due_amount=sum(
            (s.unpaid for s in ledger.unpaid if s.deadline == next_due and s.deadline >= today),
            ZERO,
        ),
        # on what is still unpaid: the parts paid late are the office's to claim
        interest=ledger.open_interest,
    )

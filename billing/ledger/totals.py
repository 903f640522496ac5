"""Checking and rebuilding the ledger summary (LedgerTotal, LedgerMonth) from the entries, for
all accounts at once in SQL. An account's balance is computed elsewhere: from the summary
(open_items.py) or from its whole history (balances.py).

The triggers (`summary_triggers`) keep the summary in every posting's transaction; this is the
audit of that promise (`manage.py ledger_summary`) and the way back if it was ever broken (a
restore of one table without the other, a trigger dropped by hand or by a table rebuild)."""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from billing.ledger import summary_triggers

MONTH = {
    "postgresql": "date_trunc('month', {day})::date",
    "sqlite": "date({day}, 'start of month')",
}
EXPECTED_MONTHS = """
SELECT account_id, month, SUM(charged) AS charged, SUM(paid) AS paid FROM (
    SELECT account_id, {charge_month} AS month,
           CAST(ROUND(amount * 100) AS BIGINT) AS charged, 0 AS paid FROM billing_charge
    UNION ALL
    SELECT account_id, {payment_month} AS month,
           0 AS charged, CAST(ROUND(amount * 100) AS BIGINT) AS paid FROM billing_payment
) e GROUP BY account_id, month
"""
STORED_MONTHS = (
    "SELECT account_id, month, charged, paid FROM billing_ledgermonth "
    "WHERE charged <> 0 OR paid <> 0"
)
STORED_TOTALS = (
    "SELECT account_id, charged, paid FROM billing_ledgertotal WHERE charged <> 0 OR paid <> 0"
)
GENERATION_KEY = "billing:pages:generation"  # part of every cached page's key


def _expected_months():
    month = MONTH[connection.vendor]
    return EXPECTED_MONTHS.format(
        charge_month=month.format(day="due_date"), payment_month=month.format(day="paid_on")
    )


def _expected_totals():
    return (
        f"SELECT account_id, SUM(charged) AS charged, SUM(paid) AS paid "  # noqa: S608
        f"FROM ({_expected_months()}) m GROUP BY account_id"
    )


@dataclass(frozen=True)
class Differences:
    months: int  # month rows missing, extra or different
    totals: int  # account rows missing, extra or different

    def __bool__(self):
        return bool(self.months or self.totals)


def _count_different(cursor, expected, stored, key) -> int:
    """Keys whose row is missing on one side or differs."""
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT {key} FROM ({expected} EXCEPT {stored}) a "  # noqa: S608
        f"UNION SELECT {key} FROM ({stored} EXCEPT {expected}) b) d"
    )
    return cursor.fetchone()[0]


def _differences(cursor) -> "Differences":
    return Differences(
        months=_count_different(cursor, _expected_months(), STORED_MONTHS, "account_id, month"),
        totals=_count_different(cursor, _expected_totals(), STORED_TOTALS, "account_id"),
    )


def summary_differences() -> Differences:
    """How many summary rows differ from a recomputation from every charge and payment."""
    with connection.cursor() as cursor:
        return _differences(cursor)


def summary_fill(cursor) -> None:
    """Write the summary of every entry into empty summary tables."""
    cursor.execute(
        "INSERT INTO billing_ledgermonth (account_id, month, charged, paid) " + _expected_months()
    )
    cursor.execute(
        "INSERT INTO billing_ledgertotal (account_id, charged, paid, changes) "
        "SELECT account_id, SUM(charged), SUM(paid), 0 FROM billing_ledgermonth "
        "GROUP BY account_id"
    )


def _replace(cursor) -> None:
    cursor.execute("DELETE FROM billing_ledgermonth")
    cursor.execute("DELETE FROM billing_ledgertotal")
    summary_fill(cursor)
    # The postings counters start again: no page cached before may be taken for current.
    cache.set(GENERATION_KEY, time.time_ns(), None)


def _lock_entries(cursor) -> None:
    # Postings wait meanwhile (PostgreSQL; SQLite has one writer anyway).
    if connection.vendor == "postgresql":
        cursor.execute("LOCK TABLE billing_charge, billing_payment IN SHARE MODE")


def summary_rebuild() -> Differences:
    """Replace the summary with a recomputation; returns what differed before."""
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        _lock_entries(cursor)
        before = _differences(cursor)
        if before:
            _replace(cursor)
    return before


@dataclass(frozen=True)
class Repair:
    triggers: list[str]  # the triggers that were missing and are back
    differences: Differences  # what the summary differed by before it was recomputed


def summary_repair(*, check_always: bool = True) -> Repair:
    """Put back every missing summary trigger and, if the summary then differs from the
    entries, recompute it, in one transaction. With check_always=False the (full-scan)
    comparison runs only when a trigger was missing: what `migrate` does every time."""
    with transaction.atomic(durable=True):
        return summary_repair_in_transaction(check_always=check_always)


def summary_repair_in_transaction(*, check_always: bool) -> Repair:
    """summary_repair inside the caller's transaction (a migration's)."""
    with connection.cursor() as cursor:
        _lock_entries(cursor)
        created = summary_triggers.install(connection)
        before = Differences(0, 0)
        if created or check_always:
            before = _differences(cursor)
            if before:
                _replace(cursor)
    return Repair(created, before)

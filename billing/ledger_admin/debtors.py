"""The debtors list for staff: accounts with overdue money, in one SQL query.

Per account, with every payment paying the oldest charges first (billing/ledger/balances.py):
- owed = max(0, all charges − all payments);
- overdue = max(0, charges due before today − all payments);
- the oldest overdue due date = the first due date at which the running total of charges
  (by due date) exceeds all payments.
Corrections count with the entry they correct (a corrected charge keeps its due date). This is
the ledger's allocation in SQL aggregates; it differs from the per-account ledger only when a
charge is corrected below zero (the ledger books that as a credit on its due date).
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from core.money import money
from core.spreadsheets import SpreadsheetWriter, decimal_cell

# Amounts are compared with half a grosz of slack: SQLite sums decimals as floats.
SQL = """
WITH paid AS (
    SELECT account_id, SUM(amount) AS paid FROM billing_payment GROUP BY account_id
),
charged AS (
    SELECT account_id, SUM(amount) AS charged,
           SUM(CASE WHEN due_date < %(today)s THEN amount ELSE 0 END) AS due
    FROM billing_charge GROUP BY account_id
),
per_day AS (
    SELECT account_id, due_date, SUM(amount) AS amount
    FROM billing_charge WHERE due_date < %(today)s GROUP BY account_id, due_date
),
running AS (
    SELECT account_id, due_date,
           SUM(amount) OVER (PARTITION BY account_id ORDER BY due_date) AS cumulative
    FROM per_day
),
debtors AS (
    SELECT c.account_id, c.charged, COALESCE(p.paid, 0) AS paid, c.due
    FROM charged c LEFT JOIN paid p ON p.account_id = c.account_id
    WHERE c.due - COALESCE(p.paid, 0) > 0.005
),
oldest AS (
    SELECT r.account_id, MIN(r.due_date) AS oldest
    FROM running r JOIN debtors d ON d.account_id = r.account_id
    WHERE r.cumulative - d.paid > 0.005
    GROUP BY r.account_id
)
SELECT a.id, a.number, a.holder_name, a.kind, b.street, pr.number, b.community_id,
       d.charged, d.paid, d.due, o.oldest
FROM debtors d
JOIN accounts_account a ON a.id = d.account_id
JOIN accounts_premises pr ON pr.id = a.premises_id
JOIN accounts_building b ON b.id = pr.building_id
LEFT JOIN oldest o ON o.account_id = d.account_id
WHERE {creditor}
ORDER BY d.due - d.paid DESC, a.number
"""

MUNICIPAL = "municipal"


@dataclass
class Debtor:
    account_id: int
    number: str
    holder_name: str
    kind: str
    premises: str
    owed: Decimal
    overdue: Decimal
    oldest_due: date | None
    age_days: int | None


@dataclass
class DebtorList:
    rows: list
    today: date

    @property
    def total_owed(self) -> Decimal:
        return sum((r.owed for r in self.rows), Decimal("0.00"))

    @property
    def total_overdue(self) -> Decimal:
        return sum((r.overdue for r in self.rows), Decimal("0.00"))


def _money(value) -> Decimal:
    return money(Decimal(str(value)))  # str(): SQLite hands back floats


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def debtors_list(*, today: date, creditor: str | None = None) -> DebtorList:
    """Accounts with overdue money, the largest first. `creditor`: None for all, "municipal"
    for the municipal stock, or a community's id."""
    params = {"today": connection.ops.adapt_datefield_value(today)}
    if creditor == MUNICIPAL:
        condition = "b.community_id IS NULL"
    elif creditor:
        condition = "b.community_id = %(community)s"
        params["community"] = int(creditor)
    else:
        condition = "1 = 1"
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(creditor=condition), params)
        for pk, number, holder, kind, street, premises, _c, charged, paid, due, oldest in cursor:
            charged, paid, due, oldest = _money(charged), _money(paid), _money(due), _date(oldest)
            rows.append(
                Debtor(
                    account_id=pk,
                    number=number,
                    holder_name=holder,
                    kind=kind,
                    premises=f"{street} / {premises}",
                    owed=max(charged - paid, Decimal("0.00")),
                    overdue=max(due - paid, Decimal("0.00")),
                    oldest_due=oldest,
                    age_days=(today - oldest).days if oldest else None,
                )
            )
    return DebtorList(rows=rows, today=today)


def debtors_csv(debtors: DebtorList, header: list[str]) -> str:
    """Semicolons and decimal commas, as Polish spreadsheets expect; a BOM for Excel."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SpreadsheetWriter(out)
    writer.writerow(header)
    for r in debtors.rows:
        writer.writerow(
            [
                r.number,
                r.holder_name,
                r.premises,
                decimal_cell(r.owed, 2),
                decimal_cell(r.overdue, 2),
                r.oldest_due.isoformat() if r.oldest_due else "",
                r.age_days if r.age_days is not None else "",
            ]
        )
    return out.getvalue()

"""Booking a batch of statement lines on PostgreSQL: the documented bulk path beside
billing.ledger.services.payment_post.

A statement of 100,000 lines cannot go through the ORM one model at a time within the worker's
time, so its lines are COPYed into a temporary table and moved by two set-wise INSERTs in one
transaction: the lines (a line whose checksum another import booked meanwhile is skipped, ON
CONFLICT DO NOTHING), then a bank payment for each new line matched to an account. The
payments keep payment_post's rules (an amount rounded to grosze and above zero, method "bank",
the title and payer cut to their columns); the ledger summary's triggers see these inserts as
they see any other.
"""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.bank.models import StatementLine
from billing.ledger.models import Payment
from billing.ledger.services import BillingError
from core.money import money

LINE_COLUMNS = [
    "checksum",
    "bank_reference",
    "booked_on",
    "amount",
    "title",
    "counterparty_name",
    "counterparty_account",
    "virtual_account",
    "account_id",
    "status",
    "matched_by",
    "bank_account",
    "hold_reason",
]


def book_batch_copy(statement, rows) -> tuple[int, int]:
    """(lines stored, payments posted) for `rows`, tuples in LINE_COLUMNS order."""
    for row in rows:
        if row[8] is not None and money(row[3]) <= 0:  # as payment_build refuses it
            raise BillingError(_("A payment must be greater than zero."))
    lines = connection.ops.quote_name(StatementLine._meta.db_table)
    payments = connection.ops.quote_name(Payment._meta.db_table)
    columns = ", ".join(LINE_COLUMNS)
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE statement_rows (checksum varchar(64), bank_reference text, "
            "booked_on date, amount numeric(12, 2), title text, counterparty_name text, "
            "counterparty_account text, virtual_account text, account_id bigint, status text, "
            "matched_by text, bank_account text, hold_reason text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY statement_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"WITH new AS (INSERT INTO {lines} ({columns}, statement_id, ignore_reason) "  # noqa: S608
            f"SELECT {columns}, %s, '' FROM statement_rows ON CONFLICT (checksum) DO NOTHING "
            "RETURNING id, account_id, amount, booked_on, title, counterparty_name), "
            f"paid AS (INSERT INTO {payments} (account_id, amount, paid_on, method, title, "
            "payer, reason, posted_at, statement_line_id) SELECT account_id, amount, booked_on, "
            "%s, left(title, 300), left(counterparty_name, 200), '', %s, id FROM new "
            "WHERE account_id IS NOT NULL RETURNING id) "
            "SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM paid)",
            [statement.pk, Payment.Method.BANK, timezone.now()],
        )
        stored, paid = cursor.fetchone()
        cursor.execute("DROP TABLE statement_rows")  # a test's transaction never commits
    return stored, paid

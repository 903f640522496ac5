"""Booking a batch of statement lines on PostgreSQL, beside the ORM path for other databases.

A statement of 100,000 lines cannot go through the ORM one model at a time within the worker's
time, so its lines are COPYed into a temporary table and moved by one set-wise INSERT (a line
whose checksum another import booked meanwhile is skipped, ON CONFLICT DO NOTHING), whose new
lines the ledger's set-wise posting (billing.ledger.services.payments_post_select) turns into
a bank payment each, for those matched to an account, in the same statement.
"""

from django.db import connection, transaction

from billing.bank.models import StatementLine
from billing.ledger.models import Payment
from billing.ledger.services import payments_post_select

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
    lines = connection.ops.quote_name(StatementLine._meta.db_table)
    columns = ", ".join(LINE_COLUMNS)
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE statement_rows (checksum varchar(64), bank_reference "
                "text, booked_on date, amount numeric(12, 2), title text, counterparty_name "
                "text, counterparty_account text, virtual_account text, account_id bigint, "
                "status text, matched_by text, bank_account text, hold_reason text) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY statement_rows ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        stored, paid = payments_post_select(
            f"INSERT INTO {lines} ({columns}, statement_id, ignore_reason) "  # noqa: S608
            f"SELECT {columns}, %s, '' FROM statement_rows ON CONFLICT (checksum) DO NOTHING "
            "RETURNING account_id, amount, booked_on, title, counterparty_name, id",
            [statement.pk],
            method=Payment.Method.BANK,
        )
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE statement_rows")  # a test's transaction never commits
    return stored, paid

"""The database triggers that keep the ledger summary (LedgerTotal, LedgerMonth) in every
posting's transaction, whatever writes the rows (a service, a bulk insert, the charge run's COPY).

PostgreSQL: one statement-level trigger per operation with transition tables (a charge run of
60,000 rows is one upsert). SQLite: row-level triggers. Amounts are summed in grosze, as
integers: exact on both.

On SQLite many schema changes rebuild a table (create, copy, drop, rename), and the rebuild
drops its triggers silently. So the triggers are not left to one migration: `install()` runs
after every `migrate` (billing's post_migrate receiver) and puts back whatever is missing, and
the system check `billing.E001` refuses to start a process while one is missing.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

# (table, date column, summary column)
LEDGERS = [("billing_charge", "due_date", "charged"), ("billing_payment", "paid_on", "paid")]
OPERATIONS = ("insert", "delete", "update")

PG_DELTAS = {
    "insert": "SELECT account_id, {day} AS day, amount FROM new_rows",
    "delete": "SELECT account_id, {day} AS day, -amount AS amount FROM old_rows",
    "update": "SELECT account_id, {day} AS day, amount FROM new_rows "
    "UNION ALL SELECT account_id, {day} AS day, -amount AS amount FROM old_rows",
}
PG_REFERENCING = {
    "insert": "NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO billing_ledgermonth AS s (account_id, month, {column}, {other})
    SELECT account_id, month, delta, 0 FROM (
        SELECT account_id, date_trunc('month', day)::date AS month,
               SUM(ROUND(amount * 100))::bigint AS delta
        FROM ({deltas}) d GROUP BY 1, 2
    ) g ORDER BY account_id, month
    ON CONFLICT (account_id, month) DO UPDATE SET {column} = s.{column} + EXCLUDED.{column};
    INSERT INTO billing_ledgertotal AS s (account_id, {column}, {other}, changes)
    SELECT account_id, delta, 0, rows FROM (
        SELECT account_id, SUM(ROUND(amount * 100))::bigint AS delta, COUNT(*) AS rows
        FROM ({deltas}) d GROUP BY 1
    ) g ORDER BY account_id
    ON CONFLICT (account_id) DO UPDATE
    SET {column} = s.{column} + EXCLUDED.{column}, changes = s.changes + EXCLUDED.changes;
    RETURN NULL;
END $$
"""
PG_TRIGGER = """
CREATE TRIGGER {name} AFTER {op} ON {table} REFERENCING {referencing}
FOR EACH STATEMENT EXECUTE FUNCTION {name}()
"""
# SQLite: a deletion only lowers rows that exist, so that a test database's flush (DELETE of
# every table, in any order) leaves nothing behind.
SQLITE_ADD = """
INSERT INTO billing_ledgermonth (account_id, month, {column}, {other})
VALUES (NEW.account_id, date(NEW.{day}, 'start of month'),
        CAST(ROUND(NEW.amount * 100) AS INTEGER), 0)
ON CONFLICT (account_id, month) DO UPDATE SET {column} = {column} + excluded.{column};
INSERT INTO billing_ledgertotal (account_id, {column}, {other}, changes)
VALUES (NEW.account_id, CAST(ROUND(NEW.amount * 100) AS INTEGER), 0, 1)
ON CONFLICT (account_id) DO UPDATE SET {column} = {column} + excluded.{column},
changes = changes + 1;
"""
SQLITE_REMOVE = """
UPDATE billing_ledgermonth SET {column} = {column} - CAST(ROUND(OLD.amount * 100) AS INTEGER)
WHERE account_id = OLD.account_id AND month = date(OLD.{day}, 'start of month');
UPDATE billing_ledgertotal SET {column} = {column} - CAST(ROUND(OLD.amount * 100) AS INTEGER),
changes = changes + 1 WHERE account_id = OLD.account_id;
"""
SQLITE_BODY = {
    "insert": SQLITE_ADD,
    "delete": SQLITE_REMOVE,
    "update": SQLITE_REMOVE + SQLITE_ADD,
}
SUPPORTED = ("postgresql", "sqlite")


def _name(table: str, op: str) -> str:
    return f"{table}_summary_{op}"


def expected() -> dict[str, str]:
    """Every summary trigger's name and the table it must be on."""
    return {_name(table, op): table for table, _day, _column in LEDGERS for op in OPERATIONS}


def _create(vendor: str, table: str, day: str, column: str, op: str) -> list[str]:
    name = _name(table, op)
    other = "paid" if column == "charged" else "charged"
    if vendor == "postgresql":
        values = {
            "name": name,
            "op": op.upper(),
            "table": table,
            "column": column,
            "other": other,
            "referencing": PG_REFERENCING[op],
            "deltas": PG_DELTAS[op].format(day=day),
        }
        return [
            PG_FUNCTION.format(**values),
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            PG_TRIGGER.format(**values),
        ]
    body = SQLITE_BODY[op].format(day=day, column=column, other=other)
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} BEGIN {body} END",
    ]


def present(connection: BaseDatabaseWrapper) -> set[str]:
    """The summary triggers that exist, enabled, on the table each belongs to."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
                "AND c.relname IN ('billing_charge', 'billing_payment') "
                "AND c.relnamespace = to_regnamespace(current_schema())::oid"
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        rows = cursor.fetchall()
    wanted = expected()
    return {name for name, table in rows if wanted.get(name) == table}


def missing(connection: BaseDatabaseWrapper) -> list[str]:
    return sorted(set(expected()) - present(connection))


def install(connection: BaseDatabaseWrapper, *, only_missing: bool = True) -> list[str]:
    """Create the triggers that are missing (all of them with only_missing=False, which also
    brings a changed definition in); returns the names created. Safe to run any number of
    times; run it inside the transaction that needs it."""
    if connection.vendor not in SUPPORTED:
        raise RuntimeError(f"The ledger summary has no triggers for {connection.vendor}.")
    wanted = set(missing(connection)) if only_missing else set(expected())
    with connection.cursor() as cursor:
        for table, day, column in LEDGERS:
            for op in OPERATIONS:
                if _name(table, op) in wanted:
                    for statement in _create(connection.vendor, table, day, column, op):
                        cursor.execute(statement)
    return sorted(wanted)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for name, table in expected().items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

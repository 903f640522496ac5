"""The ledger summary (LedgerTotal, LedgerMonth) and the triggers that keep it.

Triggers, not application code, so that every way of writing an entry (a service, a bulk
insert, the charge run's COPY, the demo's SQL) updates the summary in the same transaction.
PostgreSQL: one statement-level trigger per operation with transition tables (a charge run of
60,000 rows is one upsert). SQLite (the embedded default): row-level triggers. Amounts are
summed in grosze, as integers: exact on both.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, date column, summary column)
LEDGERS = [("billing_charge", "due_date", "charged"), ("billing_payment", "paid_on", "paid")]

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
FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""
# SQLite: a deletion only lowers rows that exist, so that a test database's flush (DELETE of
# every table, in any order) leaves nothing behind.
SQLITE_ADD = """
INSERT INTO billing_ledgermonth (account_id, month, {column}, {other})
VALUES (NEW.account_id, date(NEW.{day}, 'start of month'), CAST(ROUND(NEW.amount * 100) AS INTEGER), 0)
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
MONTH = {
    "postgresql": "date_trunc('month', {day})::date",
    "sqlite": "date({day}, 'start of month')",
}


def triggers(vendor):
    statements = []
    for table, day, column in LEDGERS:
        other = "paid" if column == "charged" else "charged"
        for op in ("insert", "delete", "update"):
            name = f"{table}_summary_{op}"
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
                statements += [PG_FUNCTION.format(**values), PG_TRIGGER.format(**values)]
            else:
                body = SQLITE_BODY[op].format(day=day, column=column, other=other)
                statements.append(
                    f"CREATE TRIGGER {name} AFTER {op.upper()} ON {table} BEGIN {body} END;"
                )
    return statements


def drop_triggers(vendor):
    statements = []
    for table, _day, _column in LEDGERS:
        for op in ("insert", "delete", "update"):
            name = f"{table}_summary_{op}"
            if vendor == "postgresql":
                statements += [
                    f"DROP TRIGGER IF EXISTS {name} ON {table}",
                    f"DROP FUNCTION IF EXISTS {name}()",
                ]
            else:
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
    return statements


def backfill(vendor):
    month = MONTH[vendor]
    return [
        f"""
        INSERT INTO billing_ledgermonth (account_id, month, charged, paid)
        SELECT account_id, month, SUM(charged), SUM(paid) FROM (
            SELECT account_id, {month.format(day="due_date")} AS month,
                   CAST(ROUND(amount * 100) AS BIGINT) AS charged, 0 AS paid FROM billing_charge
            UNION ALL
            SELECT account_id, {month.format(day="paid_on")} AS month,
                   0 AS charged, CAST(ROUND(amount * 100) AS BIGINT) AS paid FROM billing_payment
        ) e GROUP BY account_id, month
        """,
        """
        INSERT INTO billing_ledgertotal (account_id, charged, paid, changes)
        SELECT account_id, SUM(charged), SUM(paid), 0 FROM billing_ledgermonth
        GROUP BY account_id
        """,
    ]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in MONTH:
        raise RuntimeError(f"The ledger summary has no triggers for {vendor}.")
    for statement in backfill(vendor) + triggers(vendor):
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in drop_triggers(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_security_notice'),
        ('billing', '0007_data_as_of_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerTotal',
            fields=[
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='ledger_total', serialize=False, to='accounts.account', verbose_name='account')),
                ('charged', models.BigIntegerField(default=0, verbose_name='charged (gr)')),
                ('paid', models.BigIntegerField(default=0, verbose_name='paid (gr)')),
                ('changes', models.BigIntegerField(default=0, verbose_name='postings')),
            ],
            options={
                'verbose_name': 'ledger total',
                'verbose_name_plural': 'ledger totals',
            },
        ),
        migrations.CreateModel(
            name='LedgerMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='month')),
                ('charged', models.BigIntegerField(default=0, verbose_name='charged (gr)')),
                ('paid', models.BigIntegerField(default=0, verbose_name='paid (gr)')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account', verbose_name='account')),
            ],
            options={
                'verbose_name': 'ledger month',
                'verbose_name_plural': 'ledger months',
                'constraints': [models.UniqueConstraint(fields=('account', 'month'), name='ledger_month_unique')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

"""What keeps the ledger summary's triggers in place: a receiver that puts back any missing
trigger after every `migrate` (and recomputes the summary if postings slipped past meanwhile),
and the system check `billing.E001` that refuses to run while one is missing. The check runs
with `manage.py check`, `runserver` and every management command, and at the start of gunicorn
(ebok/wsgi.py) and of a Celery worker or beat (ebok/celery.py)."""

from django.core.checks import Error, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from billing.ledger import summary_triggers
from billing.ledger.totals import summary_repair

TAG = "ledger_summary"
TABLES = {"billing_charge", "billing_payment", "billing_ledgertotal", "billing_ledgermonth"}


def _summary_tables_exist() -> bool:
    return TABLES <= set(connection.introspection.table_names())


def after_migrate(sender, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """post_migrate receiver (billing's AppConfig)."""
    if using != DEFAULT_DB_ALIAS or not _summary_tables_exist():
        return
    repair = summary_repair(check_always=False)
    if repair.triggers and verbosity and stdout is not None:
        stdout.write(
            f"  Ledger summary: put back {len(repair.triggers)} trigger(s) "
            f"({', '.join(repair.triggers)}); the summary was "
            + ("recomputed." if repair.differences else "already right.")
            + "\n"
        )


@register(TAG)
def summary_triggers_check(app_configs=None, **kwargs):
    try:
        if not _summary_tables_exist():
            return []  # a database not migrated yet: migrate installs them
        missing = summary_triggers.missing(connection)
        if not missing:
            return []
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return []  # migrate will run and put them back after (Django warns of the plan)
    except DatabaseError:
        return []  # no database to look at: nothing posts anything either
    return [
        Error(
            "The ledger summary's database triggers are missing: "
            + ", ".join(missing)
            + ". Charges and payments posted now would not reach the balances.",
            hint="Run: manage.py ledger_summary --repair (puts them back and recomputes "
            "the summary from the entries).",
            id="billing.E001",
        )
    ]


def require_summary_triggers() -> None:
    """For process start-up outside manage.py: raise SystemCheckError when the check fails."""
    from django.core.management import call_command

    call_command("check", "--tag", TAG, "--fail-level", "ERROR", verbosity=0)

"""The ledger summary cannot silently fall behind, whatever a migration does: every trigger is
there after a migrate from zero, a migration that rebuilds billing_charge (SQLite drops a
rebuilt table's triggers) is followed by their return, the system check billing.E001 fails
while one is missing, and `ledger_summary --repair` is the way out. Runs on SQLite and, in CI,
on PostgreSQL."""

import datetime
import io
import subprocess
import sys
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from billing.ledger import services, summary_triggers
from billing.ledger.summary_guard import TAG, require_summary_triggers
from billing.ledger.totals import summary_differences
from billing.models import LedgerTotal
from tests.billing.factories import ChargeFactory

ALL = {
    "billing_charge_summary_insert",
    "billing_charge_summary_delete",
    "billing_charge_summary_update",
    "billing_payment_summary_insert",
    "billing_payment_summary_delete",
    "billing_payment_summary_update",
}
THROWAWAY = "9999_throwaway_rebuild"


def e001():
    return [m for m in run_checks(tags=[TAG]) if m.id == "billing.E001"]


def throwaway_migration(leaf):
    """Adds a NOT NULL column with a default to billing_charge and drops it again: on SQLite
    both rebuild the table (create, copy, drop, rename)."""

    class Migration(migrations.Migration):
        dependencies = [("billing", leaf)]
        operations = [
            migrations.AddField("charge", "scratch", models.IntegerField(default=0)),
            migrations.RemoveField("charge", "scratch"),
        ]

    return Migration(THROWAWAY, "billing")


def apply_throwaway():
    """What `migrate` does with a new migration file: apply and record it, then send
    post_migrate."""
    executor = MigrationExecutor(connection)
    leaf = next(name for app, name in executor.loader.graph.leaf_nodes() if app == "billing")
    migration = throwaway_migration(leaf)
    state = executor.loader.project_state(("billing", leaf))
    with connection.schema_editor(atomic=migration.atomic) as editor:
        migration.apply(state, editor)
    MigrationRecorder(connection).record_applied("billing", THROWAWAY)
    return executor


@pytest.fixture
def forget_throwaway():
    yield
    MigrationRecorder(connection).migration_qs.filter(app="billing", name=THROWAWAY).delete()


@pytest.mark.django_db
def test_a_database_migrated_from_zero_has_every_trigger():
    # pytest-django made this test database with `migrate` from zero.
    assert summary_triggers.present(connection) == ALL
    assert e001() == []


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_charges_table_loses_no_posting(
    account, forget_throwaway
):
    apply_throwaway()
    if connection.vendor == "sqlite":
        # The rebuild took billing_charge's three triggers with it; the check says so.
        assert summary_triggers.missing(connection) == [
            "billing_charge_summary_delete",
            "billing_charge_summary_insert",
            "billing_charge_summary_update",
        ]
        assert "billing_charge_summary_insert" in e001()[0].msg
    # migrate ends with post_migrate, and billing's receiver puts them back.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert summary_triggers.present(connection) == ALL
    assert e001() == []

    ChargeFactory(account=account, amount=D("512.30"), due_date=datetime.date(2026, 3, 10))
    services.payment_post(
        account=account, amount=D("100.00"), paid_on=datetime.date(2026, 3, 9), method="bank"
    )
    total = LedgerTotal.objects.get(account=account)
    assert (total.charged, total.paid) == (51230, 10000)  # in grosze


@pytest.mark.django_db(transaction=True)
def test_postings_that_slipped_past_a_missing_trigger_are_counted_after_migrate(account):
    summary_triggers.drop(connection)  # as a rebuild would, on both tables
    ChargeFactory(account=account, amount=D("80.00"), due_date=datetime.date(2026, 5, 10))
    assert not LedgerTotal.objects.filter(account=account).exists()
    assert summary_differences()

    # Every process start refuses: gunicorn (ebok/wsgi.py), Celery, management commands.
    assert len(e001()) == 1
    with pytest.raises(SystemCheckError, match="billing.E001"):
        require_summary_triggers()

    out = io.StringIO()
    emit_post_migrate_signal(verbosity=1, interactive=False, db="default", stdout=out)
    assert "put back 6 trigger(s)" in out.getvalue()
    assert "recomputed" in out.getvalue()
    assert LedgerTotal.objects.get(account=account).charged == 8000
    assert not summary_differences()


@pytest.mark.django_db(transaction=True)
def test_ledger_summary_repair_puts_them_back(account):
    drop_one = (
        "DROP TRIGGER IF EXISTS billing_payment_summary_insert ON billing_payment"
        if connection.vendor == "postgresql"
        else "DROP TRIGGER billing_payment_summary_insert"
    )
    with connection.cursor() as cursor:
        cursor.execute(drop_one)
    services.payment_post(
        account=account, amount=D("42.00"), paid_on=datetime.date(2026, 3, 9), method="bank"
    )
    with pytest.raises(Exception, match="ledger_summary --repair"):
        call_command("ledger_summary", stdout=io.StringIO())

    out = io.StringIO()
    call_command("ledger_summary", "--repair", stdout=out)
    assert "billing_payment_summary_insert" in out.getvalue()
    assert "wierszy kont: 1;" in out.getvalue()  # one account row differed
    assert LedgerTotal.objects.get(account=account).paid == 4200
    assert e001() == []


def test_the_wsgi_module_leaves_no_database_connection_for_the_workers_to_share(tmp_path):
    """gunicorn imports ebok.wsgi in its master and forks the workers from it: the start-up
    check's connection must be closed, or every worker talks over the same socket."""
    script = (
        "import ebok.wsgi\n"
        "from django.db import connections\n"
        "print([c.alias for c in connections.all() if c.connection is not None])\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # empty: the check still asks
        "DJANGO_SETTINGS_MODULE": "ebok.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.splitlines()[-1] == "[]"  # after what the check printed

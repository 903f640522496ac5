"""Moving the test database between migrations, as `manage.py migrate` does: post_migrate
included, so that what it puts back (billing's ledger-summary triggers, which a table rebuild on
SQLite drops) is back for the tests that run after."""

from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets=None):
    """Apply or unapply migrations up to `targets` ([(app, name)]; every app's newest when
    None) and return the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    return executor.loader.project_state(targets).apps

"""Celery tasks of bank statements: booking an uploaded statement, and the sweeper."""

from celery import shared_task

from billing.bank.services import statement_import_run, statement_imports_sweep


@shared_task(soft_time_limit=600, time_limit=660, name="billing.statement_import_run")
def import_statement(statement_id):
    """Book one uploaded statement; a second delivery finds it claimed and does nothing."""
    statement = statement_import_run(statement_id=statement_id)
    return statement.status if statement else "skipped"


@shared_task(name="billing.statement_imports_sweep")
def sweep_statement_imports():
    """Beat: queue again the imports whose task was lost."""
    ids = statement_imports_sweep()
    for pk in ids:
        import_statement.delay(pk)
    return len(ids)

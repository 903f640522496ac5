"""Celery tasks of bank statements: booking an uploaded statement, and the sweeper."""

from celery import shared_task

from billing.bank import services


@shared_task(soft_time_limit=600, time_limit=660, name="billing.statement_import_run")
def statement_import_run(statement_id):
    """Book one uploaded statement; a second delivery finds it claimed and does nothing."""
    statement = services.statement_import_run(statement_id=statement_id)
    return statement.status if statement else "skipped"


@shared_task(name="billing.statement_imports_sweep")
def statement_imports_sweep():
    """Beat: queue again the imports whose task was lost."""
    ids = services.statement_imports_sweep()
    for pk in ids:
        statement_import_run.delay(pk)
    return len(ids)

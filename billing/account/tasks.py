"""Celery tasks of the resident's account pages: drawing PDF statements, and their sweeper."""

from celery import shared_task

from billing.account import services


@shared_task(name="billing.statement_pdf_render")
def statement_pdf_render(statement_id):
    return services.statement_pdf_make(statement_id=statement_id)


@shared_task(name="billing.statement_pdfs_sweep")
def statement_pdfs_sweep():
    """Beat: stuck or lost statements are queued again; old ones deleted with their files."""
    ids = services.statement_pdfs_sweep()
    for pk in ids:
        statement_pdf_render.delay(pk)
    return len(ids)

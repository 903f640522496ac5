"""Celery tasks of water settlements: the PDF of each document, and the sweeper."""

from celery import shared_task

from billing.water import pdf


@shared_task(soft_time_limit=120, time_limit=180, name="billing.water_settlement_pdf_render")
def water_settlement_pdf_render(settlement_id):
    return pdf.settlement_pdf_make(settlement_id=settlement_id)


@shared_task(soft_time_limit=3600, time_limit=3660, name="billing.water_settlement_pdfs_render_run")
def water_settlement_pdfs_render_run(run_id):
    """After posting: the PDFs of the run's documents still waiting, one after another."""
    return pdf.settlement_pdfs_make_for_run(run_id=run_id)


@shared_task(name="billing.water_settlement_pdfs_sweep")
def water_settlement_pdfs_sweep():
    ids = pdf.settlement_pdfs_sweep()
    for pk in ids:
        water_settlement_pdf_render.delay(pk)
    return len(ids)

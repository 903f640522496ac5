"""Celery tasks of water settlements: the PDF of each document, and the sweeper."""

from celery import shared_task

from billing.water.pdf import settlement_pdf_make, settlement_pdfs_of_run, settlement_pdfs_sweep


@shared_task(soft_time_limit=120, time_limit=180, name="billing.water_settlement_pdf_render")
def render_settlement_pdf(settlement_id):
    return settlement_pdf_make(settlement_id=settlement_id)


@shared_task(soft_time_limit=3600, time_limit=3660, name="billing.water_settlement_pdfs_render_run")
def render_run_pdfs(run_id):
    """After posting: the PDFs of the run's documents still waiting, one after another."""
    done = 0
    for pk in settlement_pdfs_of_run(run_id=run_id):
        done += settlement_pdf_make(settlement_id=pk) == "done"
    return done


@shared_task(name="billing.water_settlement_pdfs_sweep")
def sweep_settlement_pdfs():
    ids = settlement_pdfs_sweep()
    for pk in ids:
        render_settlement_pdf.delay(pk)
    return len(ids)

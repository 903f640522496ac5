"""Celery tasks of water settlements: the jobs (preview, posting, advances, corrections),
the PDF of each document, and their sweepers."""

from celery import shared_task

from billing.water import jobs, pdf


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


# One job's work may take minutes (20,000 premises); its progress is on the job's page.
@shared_task(soft_time_limit=3600, time_limit=3660, name="billing.water_job_run")
def water_job_run(job_id):
    return jobs.job_run(job_id)


@shared_task(soft_time_limit=3600, time_limit=3660, name="billing.water_job_run_bulk")
def water_job_run_bulk(job_id):
    """The same, for every building at once: on the bulk queue."""
    return jobs.job_run(job_id)


@shared_task(name="billing.water_jobs_sweep")
def water_jobs_sweep():
    return len(jobs.jobs_resume())

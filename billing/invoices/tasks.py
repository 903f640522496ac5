"""Celery tasks of invoices: issuing after a charge run, rendering PDFs, and the sweeper."""

from celery import shared_task
from django.conf import settings

from billing.invoices import ksef_sending, pdf_jobs, services
from billing.ksef.client import KsefUnavailable


@shared_task(soft_time_limit=600, time_limit=660, name="billing.invoices_issue_for_run")
def invoices_issue_for_run(run_id):
    """After a charge run: invoice the month's commercial charges (skips what is invoiced)."""
    return services.invoices_issue_for_run(run_id=run_id)


@shared_task(soft_time_limit=120, time_limit=180, name="billing.invoice_pdf_render")
def invoice_pdf_render(invoice_id):
    """Render and store one invoice's PDF; a second delivery finds it claimed or stored."""
    return pdf_jobs.invoice_pdf_make(invoice_id=invoice_id)


@shared_task(name="billing.invoice_pdfs_sweep")
def invoice_pdfs_sweep():
    """Beat: PDFs whose worker died or whose task was lost are queued again."""
    ids = pdf_jobs.invoice_pdfs_sweep()
    for pk in ids:
        invoice_pdf_render.delay(pk)
    return len(ids)


@shared_task(
    bind=True,
    name="billing.invoices_ksef_send",
    soft_time_limit=600,
    time_limit=660,
    autoretry_for=(KsefUnavailable,),
    retry_backoff=60,  # 1, 2, 4 … minutes, up to an hour; the sweeper takes over after
    retry_backoff_max=3600,
    max_retries=settings.KSEF_MAX_ATTEMPTS,
)
def invoices_ksef_send(self, ids=None):
    """Send the invoices waiting for KSeF in one session (billing/invoices/ksef_sending.py)."""
    return ksef_sending.invoices_ksef_send(ids=ids)


@shared_task(name="billing.invoices_ksef_sweep")
def invoices_ksef_sweep():
    """Beat: ask KSeF about sent invoices with no number yet, and send what waits (queued
    ones a lost task forgot, offline ones once KSeF is back)."""
    checked = ksef_sending.invoices_ksef_check()
    if ksef_sending.invoices_ksef_waiting_ids():
        invoices_ksef_send.delay()
    return checked

"""Celery tasks of invoices: issuing after a charge run, rendering PDFs, and the sweeper."""

from celery import shared_task
from django.conf import settings

from billing.invoices.ksef_sending import (
    invoices_ksef_check,
    invoices_ksef_send,
    invoices_ksef_waiting_ids,
)
from billing.invoices.pdf_jobs import invoice_pdf_make, invoice_pdfs_sweep
from billing.invoices.services import invoices_issue_for_run
from billing.ksef.client import KsefUnavailable


@shared_task(soft_time_limit=600, time_limit=660, name="billing.invoices_issue_for_run")
def issue_invoices_for_run(run_id):
    """After a charge run: invoice the month's commercial charges (skips what is invoiced)."""
    return invoices_issue_for_run(run_id=run_id)


@shared_task(soft_time_limit=120, time_limit=180, name="billing.invoice_pdf_render")
def render_invoice_pdf(invoice_id):
    """Render and store one invoice's PDF; a second delivery finds it claimed or stored."""
    return invoice_pdf_make(invoice_id=invoice_id)


@shared_task(name="billing.invoice_pdfs_sweep")
def sweep_invoice_pdfs():
    """Beat: PDFs whose worker died or whose task was lost are queued again."""
    ids = invoice_pdfs_sweep()
    for pk in ids:
        render_invoice_pdf.delay(pk)
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
def send_invoices_to_ksef(self, ids=None):
    """Send the invoices waiting for KSeF in one session (billing/invoices/ksef_sending.py)."""
    return invoices_ksef_send(ids=ids)


@shared_task(name="billing.invoices_ksef_sweep")
def sweep_ksef():
    """Beat: ask KSeF about sent invoices with no number yet, and send what waits (queued
    ones a lost task forgot, offline ones once KSeF is back)."""
    checked = invoices_ksef_check()
    if invoices_ksef_waiting_ids():
        send_invoices_to_ksef.delay()
    return checked

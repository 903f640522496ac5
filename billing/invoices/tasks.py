"""Celery tasks of invoices: issuing after a charge run, rendering PDFs, and the sweeper."""

from celery import shared_task

from billing.invoices.pdf_jobs import invoice_pdf_make, invoice_pdfs_sweep
from billing.invoices.services import invoices_issue_for_run


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

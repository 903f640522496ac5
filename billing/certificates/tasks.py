"""Celery tasks of certificates of no arrears: rendering their PDFs, and the sweeper."""

from celery import shared_task

from billing.certificates.services import certificate_pdf_make, certificate_pdfs_sweep


@shared_task(name="billing.certificate_pdf_render")
def render_certificate_pdf(certificate_id):
    return certificate_pdf_make(certificate_id=certificate_id)


@shared_task(name="billing.certificate_pdfs_sweep")
def sweep_certificate_pdfs():
    """Beat: stuck or lost certificate PDFs are queued again."""
    ids = certificate_pdfs_sweep()
    for pk in ids:
        render_certificate_pdf.delay(pk)
    return len(ids)

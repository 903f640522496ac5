"""Celery tasks of certificates of no arrears: rendering their PDFs, and the sweeper."""

from celery import shared_task

from billing.certificates import services


@shared_task(name="billing.certificate_pdf_render")
def certificate_pdf_render(certificate_id):
    return services.certificate_pdf_make(certificate_id=certificate_id)


@shared_task(name="billing.certificate_pdfs_sweep")
def certificate_pdfs_sweep():
    """Beat: stuck or lost certificate PDFs are queued again."""
    ids = services.certificate_pdfs_sweep()
    for pk in ids:
        certificate_pdf_render.delay(pk)
    return len(ids)

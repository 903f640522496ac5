"""An invoice's PDF: rendered and stored once by a worker (core.pdf_jobs), asked for again
when missing (services.invoices_pdf_request)."""

from billing.invoices import pdf as invoice_pdf
from billing.invoices.models import Invoice, invoice_pdf_upload_to
from core.pdf_jobs import pdf_make, pdfs_sweep


def invoice_pdf_make(*, invoice_id: int) -> str:
    """Render and store one invoice's PDF if it is waiting (see pdf_make)."""
    return pdf_make(
        Invoice, invoice_id, invoice_pdf.render, invoice_pdf_upload_to, related=["account"]
    )


def invoice_pdfs_sweep(*, now=None) -> list[int]:
    return pdfs_sweep(Invoice, now=now)

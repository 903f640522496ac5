"""Rendering and storing invoice PDFs: the invoice row is the truth, the task only a nudge.

A worker claims a row with a conditional UPDATE (pending → rendering, stamped with the time);
only the claimant renders, and it stores its file only if the row is still its claim. A worker
killed mid-render leaves the row in `rendering`; the sweeper gives it back to `pending` after
STUCK_AFTER and nudges every pending row, so each invoice ends with exactly one stored PDF.
A stored PDF is never rendered again; a missing one is (invoice_services.invoices_pdf_request).
"""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from . import invoice_pdf
from .models import Invoice, invoice_pdf_upload_to

log = logging.getLogger(__name__)
STUCK_AFTER = timedelta(minutes=10)  # well above the task's hard time limit
NUDGE_AFTER = timedelta(minutes=2)
SWEEP_LIMIT = 1000


def invoice_pdf_make(*, invoice_id: int) -> str:
    """Render and store one invoice's PDF if it is waiting. Returns "done", "failed" or
    "skipped" (another worker has it, or it is stored already)."""
    claimed_at = timezone.now()
    claimed = Invoice.objects.filter(pk=invoice_id, pdf_status=Invoice.PdfStatus.PENDING).update(
        pdf_status=Invoice.PdfStatus.RENDERING, pdf_claimed_at=claimed_at
    )
    if not claimed:
        return "skipped"
    mine = Invoice.objects.filter(
        pk=invoice_id, pdf_status=Invoice.PdfStatus.RENDERING, pdf_claimed_at=claimed_at
    )
    invoice = Invoice.objects.select_related("account").get(pk=invoice_id)
    try:
        filename, _content_type, content = invoice_pdf.render(invoice)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded for staff to see
        log.exception("invoice %s: PDF failed", invoice.number)
        mine.update(pdf_status=Invoice.PdfStatus.FAILED, pdf_error=str(exc)[:2000])
        return "failed"
    name = default_storage.save(invoice_pdf_upload_to(invoice, filename), ContentFile(content))
    if not mine.update(pdf_status=Invoice.PdfStatus.DONE, pdf_file=name, pdf_error=""):
        default_storage.delete(name)  # the sweeper gave the row to another worker meanwhile
        return "skipped"
    return "done"


def invoice_pdfs_sweep(*, now=None) -> list[int]:
    """Rows stuck in rendering go back to pending; returns the ids of pending rows to nudge."""
    now = now or timezone.now()
    Invoice.objects.filter(
        pdf_status=Invoice.PdfStatus.RENDERING, pdf_claimed_at__lt=now - STUCK_AFTER
    ).update(pdf_status=Invoice.PdfStatus.PENDING, pdf_claimed_at=None)
    return list(
        Invoice.objects.filter(
            pdf_status=Invoice.PdfStatus.PENDING, issued_at__lt=now - NUDGE_AFTER
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )

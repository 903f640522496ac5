"""A water settlement as a PDF (A4, WeasyPrint, tagged for screen readers), rendered by a
worker from the document's own snapshot."""

from django.template.loader import render_to_string
from django.utils import translation

from billing.water.models import Settlement, settlement_pdf_upload_to
from billing.water.presentation import settlement_context
from core.pdf_documents import document_pdf
from core.pdf_jobs import pdf_make, pdfs_sweep


def filename_of(document) -> str:
    return "rozliczenie-wody-" + document.number.replace("/", "-") + ".pdf"


def render(document) -> tuple[str, str, bytes]:
    with translation.override("pl"):
        html = render_to_string("billing/water/settlement_pdf.html", settlement_context(document))
    return filename_of(document), "application/pdf", document_pdf(html)


def settlement_pdf_make(*, settlement_id: int) -> str:
    return pdf_make(
        Settlement, settlement_id, render, settlement_pdf_upload_to, related=["account__premises"]
    )


def settlement_pdfs_sweep(*, now=None) -> list[int]:
    return pdfs_sweep(Settlement, now=now)


def settlement_pdfs_of_run(*, run_id: int) -> list[int]:
    return list(
        Settlement.objects.filter(run_id=run_id, pdf_status="pending")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def settlement_pdfs_make_for_run(*, run_id: int) -> int:
    """After posting: the PDFs of the run's documents still waiting, one after another; the
    number made."""
    done = 0
    for pk in settlement_pdfs_of_run(run_id=run_id):
        done += settlement_pdf_make(settlement_id=pk) == "done"
    return done

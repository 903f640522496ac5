"""An invoice as a PDF: A4, rendered by WeasyPrint from templates/billing/invoice_pdf.html,
tagged (language and title) for screen readers. The seam: render(invoice) -> (filename,
content_type, bytes); it reads the invoice's snapshot only, never the register."""

from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML

from billing.invoices.html import invoice_context

STYLESHEET = "css/invoice.css"


@cache
def stylesheet() -> CSS:
    # Parsed once per process: the same for every invoice.
    return CSS(filename=finders.find(STYLESHEET))


def html_of(invoice) -> str:
    # Polish whatever the caller's language: an invoice is a Polish tax document.
    with translation.override("pl"):
        return render_to_string("billing/invoice_pdf.html", invoice_context(invoice))


def pdf_of_html(html: str) -> bytes:
    return HTML(string=html).write_pdf(stylesheets=[stylesheet()], pdf_tags=True)


def filename_of(invoice) -> str:
    return "faktura-" + invoice.number.replace("/", "-") + ".pdf"


def xml_filename_of(invoice, kind: str = "fa3") -> str:
    """faktura-FV-2026-11-0001.xml; its UPO receipt faktura-FV-2026-11-0001-upo.xml."""
    suffix = "" if kind == "fa3" else f"-{kind}"
    return "faktura-" + invoice.number.replace("/", "-") + suffix + ".xml"


def render(invoice) -> tuple[str, str, bytes]:
    return filename_of(invoice), "application/pdf", pdf_of_html(html_of(invoice))

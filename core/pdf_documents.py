"""A document (certificate, statement, settlement, "my data" summary) as a tagged A4 PDF in the
project's document style (static/css/pdf_document.css, parsed once per process)."""

from functools import cache

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML

STYLESHEET = "css/pdf_document.css"


@cache
def stylesheet() -> CSS:
    return CSS(filename=finders.find(STYLESHEET))


def document_pdf(html: str) -> bytes:
    """`html` rendered with the document stylesheet; tagged (language, title) for screen
    readers."""
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[stylesheet()], pdf_tags=True)
    return pdf

"""The account statement (wyciąg z konta) as a PDF: A4, rendered by WeasyPrint from
templates/billing/account_statement_pdf.html, tagged for screen readers. One seam, as for invoices:
render(...) -> (filename, content_type, bytes)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pdf_documents import document_pdf


def render(account, history, summary) -> tuple[str, str, bytes]:
    html = render_to_string(
        "billing/account_statement_pdf.html",
        {
            "account": account,
            "history": history,
            "summary": summary,
            "LANGUAGE_CODE": translation.get_language(),
            "MANAGER_NAME": settings.MANAGER_NAME,
            "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
            "MANAGER_PHONE": settings.MANAGER_PHONE,
            "MANAGER_EMAIL": settings.MANAGER_EMAIL,
            "generated_at": timezone.localtime(),
        },
    )
    pdf = document_pdf(html)
    filename = f"wyciag-{account.number}-{history.year or 'calosc'}.pdf"
    return filename, "application/pdf", pdf

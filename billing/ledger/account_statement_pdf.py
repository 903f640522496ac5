"""The account statement (wyciąg z konta) as a PDF: A4, rendered by WeasyPrint from
templates/billing/account_statement_pdf.html, tagged for screen readers. One seam, as for invoices:
render(...) -> (filename, content_type, bytes)."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML

STYLESHEET = "css/pdf_document.css"


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
    pdf = HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=finders.find(STYLESHEET))], pdf_tags=True
    )
    filename = f"wyciag-{account.number}-{history.year or 'calosc'}.pdf"
    return filename, "application/pdf", pdf

"""A real Celery worker renders an invoice's PDF after the issuing transaction commits, and a
second delivery of the task stores nothing more."""

import io

import pytest
from pypdf import PdfReader

from billing.invoices.services import invoice_issue_for_month
from billing.invoices.tasks import invoice_pdf_render
from billing.models import Invoice
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.workers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_worker_renders_the_invoice_pdf_once(pdf_worker, media):
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD)
    wait_for(
        lambda: Invoice.objects.filter(pk=invoice.pk, pdf_status="done").exists(),
        "the PDF to be rendered",
        timeout=60,
    )
    invoice_pdf_render.delay(invoice.pk)  # a redelivery
    # A second invoice, queued after it: when the solo worker is done with it, the redelivery
    # has been handled too.
    other = commercial_access("drugafirma").account
    month_charges(other)
    second = invoice_issue_for_month(account=other, period=PERIOD)
    wait_for(
        lambda: Invoice.objects.filter(pk=second.pk, pdf_status="done").exists(),
        "the second PDF",
        timeout=60,
    )
    invoice.refresh_from_db()
    (first_file,) = [p for p in media.rglob("*.pdf") if invoice.pdf_file.name in str(p)]
    assert len(list(media.rglob("*.pdf"))) == 2  # one per invoice, none for the redelivery
    text = PdfReader(io.BytesIO(first_file.read_bytes())).pages[0].extract_text()
    assert invoice.number in text
    assert account.holder_nip in text

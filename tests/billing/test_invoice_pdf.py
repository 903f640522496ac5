"""Invoice PDFs: what the printed invoice says (read back with pypdf, never a mock), and the
task's idempotency: run twice, or after a worker died mid-render, one stored PDF."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.utils import timezone
from pypdf import PdfReader

from billing.invoices.html import transfer_of
from billing.invoices.pdf_jobs import invoice_pdf_make, invoice_pdfs_sweep
from billing.invoices.services import (
    current_lines,
    invoice_correct,
    invoice_issue_for_month,
    invoices_pdf_request,
)
from billing.models import Invoice
from core.pdf_jobs import STUCK_AFTER, pdf_redo
from tests.billing.invoice_factories import BUYER_NIP, PERIOD, commercial_access, month_charges

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 10, 25)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def invoice():
    account = commercial_access().account
    month_charges(account)
    return invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)


def pdf_text(invoice) -> str:
    invoice.refresh_from_db()
    with invoice.pdf_file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\xa0", " ").split()), reader


def stored_pdfs(media):
    return sorted(p for p in media.rglob("*.pdf"))


def test_pdf_has_every_required_field(invoice, settings):
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    text, reader = pdf_text(invoice)
    assert "Faktura VAT nr FV/2026/10/0001" in text
    assert f"NIP: {settings.MANAGER_NIP}" in text
    assert f"NIP: {BUYER_NIP}" in text
    assert "Kawiarnia Pod Ratuszem sp. z o.o." in text  # Polish letters survive
    assert settings.MANAGER_NAME in text
    for description in (
        "Czynsz za lokal użytkowy 11/2026",
        "Woda i ścieki (zaliczka) 11/2026",
        "Opłata za zaświadczenie 11/2026",
    ):
        assert description in text
    assert "Kara umowna" not in text  # outside VAT: not a supply, not invoiced
    # Lines: quantity, unit net price, net value.
    # 31,3008 × 86,4 = 2 704,389 → 2 704,39 (billing/invoices/vat.py: the unit price rule)
    assert "86,400 m² 31,3008 2 704,39 23%" in text
    assert "1 mies. 111,11 111,11 8%" in text
    # Totals per rate: net, VAT, gross.
    assert "23% 2 704,39 622,01 3 326,40" in text
    assert "8% 111,11 8,89 120,00" in text
    assert "zw. 50,00 0,00 50,00" in text
    assert "Do zapłaty 3 496,40 zł" in text
    assert "Słownie: trzy tysiące czterysta dziewięćdziesiąt sześć złotych 40/100" in text
    assert "art. 43 ust. 1 pkt 36" in text
    assert "Data wystawienia: 25.10.2026" in text
    assert "30.11.2026" in text
    assert "Termin płatności: 10.11.2026" in text
    assert invoice.account.virtual_nrb_display in text
    assert reader.metadata.title == "Faktura VAT FV/2026/10/0001"
    assert reader.trailer["/Root"].get("/Lang") == "pl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_correcting_invoice_pdf_shows_before_after_difference(invoice):
    lines = current_lines(invoice)
    after = [lines[0], lines[1]]  # the certificate fee (50,00, exempt) was not due
    correction = invoice_correct(
        invoice=invoice,
        lines_after=after,
        reason="Opłata nienależna",
        clerk=None,
        issue_date=datetime.date(2026, 11, 5),
    )
    invoice_pdf_make(invoice_id=correction.pk)
    text, _reader = pdf_text(correction)
    assert "Faktura korygująca nr FK/2026/11/0001" in text
    assert "Korekta faktury nr FV/2026/10/0001" in text
    assert "Opłata nienależna" in text
    assert "Przed korektą" in text
    assert "Po korekcie" in text
    assert "Różnica" in text
    assert "Do zwrotu 50,00 zł" in text
    assert "Słownie: pięćdziesiąt złotych 00/100" in text
    assert "Termin płatności" not in text
    assert "Numer rachunku" not in text


def test_task_run_twice_stores_one_pdf(invoice, media):
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    assert invoice_pdf_make(invoice_id=invoice.pk) == "skipped"
    assert invoices_pdf_request(invoice_ids=[invoice.pk]) == 0  # stored: never redone
    assert len(stored_pdfs(media)) == 1


def test_worker_killed_mid_render_is_swept_and_ends_with_one_pdf(invoice, media):
    # A worker claimed the row and died: the row stays "rendering", no file.
    long_ago = timezone.now() - STUCK_AFTER - datetime.timedelta(minutes=1)
    Invoice.objects.filter(pk=invoice.pk).update(pdf_status="rendering", pdf_claimed_at=long_ago)
    assert invoice_pdf_make(invoice_id=invoice.pk) == "skipped"  # a redelivery waits
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=long_ago)
    assert invoice_pdfs_sweep() == [invoice.pk]
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    assert invoice_pdfs_sweep() == []
    assert len(stored_pdfs(media)) == 1


def test_a_late_worker_does_not_store_a_second_pdf(invoice, media, monkeypatch):
    """The sweeper gave a slow worker's row to another; the slow one finishes last."""
    from billing.invoices import pdf as invoice_pdf

    real_render = invoice_pdf.render

    calls = []

    def slow_render(inv):
        calls.append(inv.pk)
        if len(calls) == 1:
            # While this worker renders, the sweeper resets the row and another does it.
            Invoice.objects.filter(pk=inv.pk).update(pdf_status="pending", pdf_claimed_at=None)
            assert invoice_pdf_make(invoice_id=inv.pk) == "done"
        return real_render(inv)

    monkeypatch.setattr(invoice_pdf, "render", slow_render)
    assert invoice_pdf_make(invoice_id=invoice.pk) == "skipped"
    assert len(stored_pdfs(media)) == 1
    invoice.refresh_from_db()
    assert invoice.pdf_status == "done"


def test_missing_file_is_rendered_again(invoice, media):
    invoice_pdf_make(invoice_id=invoice.pk)
    for path in stored_pdfs(media):
        path.unlink()
    assert invoices_pdf_request(invoice_ids=[invoice.pk]) == 1
    invoice.refresh_from_db()
    assert invoice.pdf_status == "pending"
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    assert len(stored_pdfs(media)) == 1


def test_drawing_a_stored_pdf_again_leaves_one_file(invoice, media):
    """A render replaces the row's earlier file: redrawn (its KSeF label changed) or queued
    again after a failure, the invoice still has exactly one PDF in storage."""
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    first = Invoice.objects.get(pk=invoice.pk).pdf_file.name
    pdf_redo(Invoice, invoice.pk, "billing.invoice_pdf_render")
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    second = Invoice.objects.get(pk=invoice.pk).pdf_file.name
    assert second != first
    assert stored_pdfs(media) == [media / second]
    # Marked failed with its file still stored (e.g. a render error after an earlier success).
    Invoice.objects.filter(pk=invoice.pk).update(pdf_status="failed")
    assert invoices_pdf_request(invoice_ids=[invoice.pk]) == 1
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    invoice.refresh_from_db()
    assert stored_pdfs(media) == [media / invoice.pdf_file.name]


def test_qr_code_carries_the_invoice_total_and_number(invoice):
    payload = transfer_of(invoice).payload()
    assert payload.startswith(f"{invoice.seller_nip}|PL|{invoice.bank_account}|349640|")
    assert f"|FV/2026/10/0001 konto {invoice.account.number}|" in payload


def test_qr_above_the_zbp_limit_leaves_the_amount_to_the_payer(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(gross_total=D("12000.00"))
    invoice.refresh_from_db()
    assert transfer_of(invoice).payload().split("|")[3] == "000000"

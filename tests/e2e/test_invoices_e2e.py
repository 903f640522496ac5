"""`firma`, a commercial tenant, finds the invoices tile, sees the month's invoice and
downloads its PDF; a page still being prepared says so. axe-core finds nothing on either."""

from pypdf import PdfReader

from billing.invoices.pdf_jobs import invoice_pdf_make
from billing.invoices.services import invoice_issue_for_month
from tests.billing.invoice_factories import BUYER_NIP, PERIOD, commercial_access, month_charges
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD


def test_firma_downloads_an_invoice_pdf(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    access = commercial_access("firma")
    month_charges(access.account)
    invoice = invoice_issue_for_month(account=access.account, period=PERIOD)
    login(page, "firma", PASSWORD)

    page.locator("main a[href='/faktury/']").first.click()
    row = page.locator("main table tbody tr").first
    assert invoice.number in row.inner_text()
    assert "3 496,40" in row.inner_text().replace("\xa0", " ")
    assert_no_axe_violations(page)

    # Not rendered yet: the page says so and offers to try again.
    row.locator(f"a[href='/faktury/{invoice.pk}/pdf/']").click()
    assert page.locator(f"main a[href='/faktury/{invoice.pk}/pdf/']").count() == 1
    assert_no_axe_violations(page)

    invoice_pdf_make(invoice_id=invoice.pk)
    page.goto(page.url.split("/faktury/")[0] + "/faktury/")
    with page.expect_download() as download_info:
        page.locator(f"main a[href='/faktury/{invoice.pk}/pdf/']").click()
    download = download_info.value
    assert download.suggested_filename == "faktura-" + invoice.number.replace("/", "-") + ".pdf"
    text = PdfReader(download.path()).pages[0].extract_text()
    assert invoice.number in text
    assert BUYER_NIP in text
    assert settings.MANAGER_NIP in text

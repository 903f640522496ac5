"""Water settlement in a browser, on the demo data: a resident opens a settlement from the fee
page, reads its tables and downloads the PDF; a clerk starts a run, reads the preview,
exports it and posts it. axe-core finds nothing on any of these pages."""

import re

from pypdf import PdfReader

from billing.water.models import Settlement
from billing.water.tasks import water_settlement_pdfs_render_run
from core.dates import months_back
from demo.logins import DEMO_PASSWORD

from .conftest import assert_no_axe_violations, login, staff_client, staff_page


def test_a_resident_reads_a_settlement_and_downloads_its_pdf(page, live_server, demo):
    login(page, "wlasciciel", DEMO_PASSWORD)
    page.goto("/oplaty/")
    page.get_by_role("link", name="Rozliczenia wody i ścieków").click()
    assert_no_axe_violations(page)
    document = Settlement.objects.filter(account__number="2003").order_by("period_start").first()
    page.get_by_role("link", name=document.number).click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert document.number in heading
    meters = page.locator("table").first.inner_text()
    # The replaced cold meter counted to its final reading, the new one from installation.
    assert "ZW-2003" in meters
    assert "ZW-2003-N" in meters
    assert "przy montażu" in meters
    assert_no_axe_violations(page)
    water_settlement_pdfs_render_run(document.run_id)  # the worker's part (queued with Redis)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz PDF").click()
    download = download_info.value
    assert download.suggested_filename == (
        "rozliczenie-wody-" + document.number.replace("/", "-") + ".pdf"
    )
    text = " ".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert document.number in " ".join(text.split())


def test_the_estimate_is_marked_for_the_resident(page, demo):
    login(page, "najemca", DEMO_PASSWORD)
    page.goto("/rozliczenia-wody/")
    row = page.locator("tr", has_text="szacunek")
    assert row.count() >= 1
    row.first.get_by_role("link").click()
    assert "Szacunek:" in page.locator("main").inner_text()


def test_a_clerk_previews_exports_and_posts(browser, live_server, demo, eager_tasks):
    """Preview and posting are jobs (#30): each form opens the job's page, which counts the
    accounts done and links to the run's preview; eager tasks stand in for the worker."""
    # The half-year before the demo's two settled ones: finished, its readings in the demo.
    day = months_back(Settlement.objects.order_by("period_start").first().period_start, 6)
    with staff_page(browser, live_server, staff_client("admin")) as page:
        page.goto("/admin/billing/settlementrun/add/")
        page.locator("#id_building").select_option(index=1)
        page.get_by_label("Dzień okresu").fill(day.isoformat())
        page.get_by_role("button", name="Oblicz podgląd").click()
        page.wait_for_url(re.compile(r"/settlementjob/\d+/change/$"))
        assert "Gotowe konta:" in page.locator("#content-main").inner_text()
        assert_no_axe_violations(page)
        page.get_by_role("link", name=re.compile("podgląd")).first.click()
        page.wait_for_url(re.compile(r"/podglad/$"))
        preview_url = page.url
        preview = page.locator("#content-main table").inner_text()
        assert "nie zaksięgowano" in preview
        assert_no_axe_violations(page)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Eksportuj podgląd do CSV").click()
        csv_text = open(download_info.value.path(), encoding="utf-8-sig").read()
        assert csv_text.splitlines()[0].startswith("Konto;Lokal;Zużycie (m³)")
        before = Settlement.objects.count()
        page.get_by_role("button", name="Zaksięguj rozliczenia").click()
        page.wait_for_url(re.compile(r"/settlementjob/\d+/change/$"))
        assert "zaksięgowane rozliczenia" in page.locator("#content-main").inner_text().lower()
        assert Settlement.objects.count() > before
        page.goto(preview_url)
        assert "nie zaksięgowano" not in page.locator("#content-main table").inner_text()

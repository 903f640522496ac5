"""A tenant checks what they owe and by when, downloads their history as CSV and opens the pay
page with its QR code; every billing page passes axe-core. Links are found by their address,
so the test holds before and after the Polish catalogue has the new phrases."""

import csv
import datetime
import io
import os
from decimal import Decimal as D

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from billing.models import InterestRate
from tests.billing.factories import ChargeFactory, PaymentFactory, working_day
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD, AccessFactory

NBSP = "\xa0"


def polish_date(day):
    with translation.override("pl"):
        return dateformat.format(day, "j E Y")


def tenant_with_a_ledger():
    access = AccessFactory(
        user__username="najemca",
        account__number="1001",
        account__premises__building__street="ul. Głęboka 15",
        account__premises__number="1",
    )
    account = access.account
    today = timezone.localdate()
    month = today.replace(day=1)
    late = working_day(today - datetime.timedelta(days=30), -1)
    soon = working_day(today + datetime.timedelta(days=5), 1)
    ChargeFactory(account=account, title="Czynsz", amount=D("500.00"), due_date=late)
    PaymentFactory(account=account, amount=D("400.00"), paid_on=late, title="Czynsz")
    ChargeFactory(account=account, title="Czynsz", period=month, amount=D("500.00"), due_date=soon)
    ChargeFactory(
        account=account, title="Wywóz odpadów", period=month, amount=D("36.40"), due_date=soon
    )
    InterestRate.objects.get_or_create(valid_from=datetime.date(2026, 3, 5), rate=D("9.25"))
    return access.user, account, late, soon


def test_tenant_sees_balance_downloads_csv_and_pays_by_qr(page):
    user, account, late, soon = tenant_with_a_ledger()
    # A stranger's account never shows.
    AccessFactory(account__number="9999")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, user.username, PASSWORD)

    # From the main menu to the list of accounts
    page.locator("nav.main-nav a[href='/oplaty/']").click()
    table = page.locator("main table")
    expect(table).to_contain_text("1001")
    expect(table).to_contain_text(f"636,40{NBSP}zł")
    expect(table).not_to_contain_text("9999")
    assert_no_axe_violations(page)

    # The balance: owed, overdue since, next due date; the chart and its table
    page.locator(f"main a[href='/oplaty/{account.pk}/']").click()
    main = page.locator("main")
    expect(main.locator(".balance-headline")).to_contain_text(f"636,40{NBSP}zł")
    overdue = main.locator("dd.overdue")
    expect(overdue).to_contain_text(f"100,00{NBSP}zł")
    expect(overdue).to_contain_text(polish_date(late))
    expect(main).to_contain_text(f"536,40{NBSP}zł")
    expect(main).to_contain_text(polish_date(soon))
    expect(main.locator("svg[role='img']")).to_be_visible()
    assert_no_axe_violations(page)
    main.locator("details.chart-table summary").click()
    expect(main.locator("details.chart-table table")).to_be_visible()
    assert_no_axe_violations(page)

    # This month's charges
    page.locator(f"nav.sub-nav a[href='/oplaty/{account.pk}/biezace/']").click()
    expect(main.locator("table").first).to_contain_text("Wywóz odpadów")
    expect(main.locator("table").first).to_contain_text("536,40")
    assert_no_axe_violations(page)

    # The history: one year on the page, the whole of it as a CSV download
    page.locator(f"nav.sub-nav a[href='/oplaty/{account.pk}/historia/']").click()
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.locator("a[href$='historia.csv?rok=all']").click()
    download = download_info.value
    assert download.suggested_filename == "historia-1001-calosc.csv"
    with open(download.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert [row[2:] for row in rows[1:]] == [
        ["500,00", "", "-500,00"],
        ["", "400,00", "-100,00"],
        ["500,00", "", "-600,00"],
        ["36,40", "", "-636,40"],
    ]
    assert rows[1][0] == f"{late:%d.%m.%Y}"

    # The pay page: amount, number in groups, title, and a QR code that loaded
    page.locator(f"nav.sub-nav a[href='/oplaty/{account.pk}/zaplac/']").click()
    expect(main.locator(".balance-headline")).to_contain_text(f"636,40{NBSP}zł")
    expect(main.locator("#transfer-nrb")).to_have_text(account.virtual_nrb_display)
    expect(main.locator("#transfer-title")).to_contain_text("konto 1001")
    qr = main.locator("figure.qr img")
    expect(qr).to_be_visible()
    # decode() waits for the image to load and fails if it is broken
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
    assert qr.get_attribute("alt")
    assert_no_axe_violations(page)

    # The copy button (JavaScript present): copies the bare number and says so
    button = main.locator(f"button.copy-button[data-copy='{account.virtual_nrb}']")
    expect(button).to_be_visible()
    button.click()
    expect(main.locator(".copy-status")).not_to_be_empty()
    assert page.evaluate("navigator.clipboard.readText()") == account.virtual_nrb
    assert_no_axe_violations(page)


def test_pay_page_without_javascript(browser, live_server):
    user, account, _late, _soon = tenant_with_a_ledger()
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, user.username, PASSWORD)
        page.goto(f"/oplaty/{account.pk}/zaplac/")
        # No script: the copy buttons stay hidden and the number is plain selectable text.
        expect(page.locator("button.copy-button").first).to_be_hidden()
        expect(page.locator("#transfer-nrb")).to_have_text(account.virtual_nrb_display)
        expect(page.locator("figure.qr img")).to_be_visible()
        if os.environ.get("EBOK_SCREENSHOTS"):
            page.screenshot(path=os.environ["EBOK_SCREENSHOTS"] + "/pay-nojs.png", full_page=True)
    finally:
        context.close()


@pytest.mark.usefixtures("eager_tasks")  # the job/render runs in the test
def test_statement_pdf_downloads(page):
    user, account, _late, _soon = tenant_with_a_ledger()
    login(page, user.username, PASSWORD)
    page.goto(f"/oplaty/{account.pk}/historia/")
    page.locator("a[href$='historia.pdf?rok=all']").click()
    # The statement's page: drawn by the (eager, as in `make run`) worker, so ready at once.
    expect(page.locator("a[href$='/pdf/'].button-primary")).to_be_visible()
    assert page.locator("meta[http-equiv='refresh']").count() == 0
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.locator("a[href$='/pdf/'].button-primary").click()
    download = download_info.value
    assert download.suggested_filename == "wyciag-1001-calosc.pdf"
    with open(download.path(), "rb") as f:
        from pypdf import PdfReader

        text = " ".join(PdfReader(io.BytesIO(f.read())).pages[0].extract_text().split())
    assert "36,40" in text
    assert "ul. Głęboka 15" in text

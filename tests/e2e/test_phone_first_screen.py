"""The phone's first screen (320 × 640): the header takes one line, so the page's heading is
near the top; the tasks open from one "Menu" button and the language from the account menu,
with or without JavaScript; the pay page shows the whole QR code on the first screen and saves
it as a picture for a banking app on the same phone."""

from playwright.sync_api import expect

from accounts.models import Account
from demo.logins import DEMO_PASSWORD

from .conftest import assert_no_axe_violations, login, new_context

PHONE = {"width": 320, "height": 640}
HEADING_TOP = 120  # px: the header is one line of 44 px targets, then the breadcrumb


def phone_page(browser, live_server, javascript=True):
    context = new_context(
        browser, base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    login(page, "najemca", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def top_of(locator):
    return locator.bounding_box()["y"]


def test_the_heading_is_on_the_first_screen_and_the_menu_opens(browser, live_server, demo):
    context, page = phone_page(browser, live_server)
    try:
        for path in ("/", "/oplaty/", "/liczniki/", "/awarie/"):
            page.goto(path)
            assert top_of(page.locator("h1")) <= HEADING_TOP, path
        tasks = page.get_by_role("link", name="Wodomierze")
        expect(tasks).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        expect(tasks).to_be_visible()
        assert_no_axe_violations(page)
        tasks.click()
        page.wait_for_url(f"{live_server.url}/liczniki/")
        # The language is in the account menu.
        language = page.get_by_label("Język")
        expect(language).to_be_hidden()
        page.get_by_text("Twoje konto", exact=True).click()
        language.select_option("en")
        page.get_by_role("button", name="Zmień", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_text("Your account", exact=True)).to_be_visible()
    finally:
        context.close()


def test_the_menu_works_without_javascript(browser, live_server, demo):
    context, page = phone_page(browser, live_server, javascript=False)
    try:
        page.get_by_text("Menu", exact=True).click()
        page.get_by_role("link", name="Awarie").click()
        page.wait_for_url(f"{live_server.url}/awarie/")
        assert top_of(page.locator("h1")) <= HEADING_TOP
    finally:
        context.close()


def test_the_pay_page_shows_the_whole_qr_code_and_saves_it(browser, live_server, demo):
    account = Account.objects.get(number="1001")
    context, page = phone_page(browser, live_server)
    try:
        page.goto(f"/oplaty/{account.pk}/zaplac/")
        assert top_of(page.locator("h1")) <= HEADING_TOP
        code = page.locator("figure.qr img").bounding_box()
        assert code["height"] >= 150  # big enough to scan from another screen
        assert code["y"] + code["height"] <= PHONE["height"]
        assert_no_axe_violations(page)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Zapisz kod QR").click()
        download = download_info.value
        assert download.suggested_filename == "przelew-1001.png"
        with open(download.path(), "rb") as saved:
            assert saved.read(8) == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()

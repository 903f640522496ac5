"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Use the `page` fixture (a fresh browser context on the live server, Polish locale), `login()`
and `assert_no_axe_violations()`. Tests here are transactional, so the data migrations' rows
are restored for each test (serialized rollback).
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.services import CHROMIUM, require_chromium

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Everything axe-core checks for WCAG 2.0/2.1 A and AA, plus its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username, password):
    page.goto("/auth/login/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło", exact=False).fill(password)
    page.get_by_role("button", name="Zaloguj się").click()


def assert_no_axe_violations(page):
    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, results.generate_report()

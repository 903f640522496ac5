"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Use the `page` fixture (a fresh browser context on the live server, Polish locale), `login()`
and `assert_no_axe_violations()`; the `demo` fixture seeds the demo data, and `staff_page()`
opens the staff panel as a demo clerk. Tests here are transactional, so the data migrations' rows
are restored for each test (serialized rollback).
"""

import os
from contextlib import contextmanager
from decimal import Decimal
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

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
    context = new_context(browser, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username, password):
    page.goto("/auth/login/")
    page.get_by_label("Nazwa użytkownika").fill(username)
    page.get_by_label("Hasło", exact=False).fill(password)
    page.get_by_role("button", name="Zaloguj się").click()


# axe-core as axe-playwright-python bundles it. Every context the fixtures make loads it into
# each page it opens (an init script), instead of sending its 570 kB over the pipe per check.
AXE_SOURCE = Axe().axe_script


def new_context(browser, **options):
    context = browser.new_context(locale="pl-PL", accept_downloads=True, **options)
    context.add_init_script(AXE_SOURCE)
    return context


def axe_violations(page):
    """axe-core's violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)  # a context made elsewhere
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def axe_report(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
        for v in violations
    )


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert not violations, axe_report(violations)


@pytest.fixture
def demo(db):
    # A transactional test run earlier flushes the rows the data migrations wrote (post_migrate
    # brings back only the groups and permissions): put the interest rates back (the demo
    # puts back the fee components and their VAT rules).
    rates = import_module("billing.migrations.0002_components_rates_permissions")
    interest_rate = apps.get_model("billing", "InterestRate")
    for valid_from, rate in rates.RATES:
        interest_rate.objects.get_or_create(
            valid_from=valid_from, defaults={"rate": Decimal(rate), "source": rates.SOURCE}
        )
    call_command("seed_demo", stdout=open(os.devnull, "w"))


def staff_client(username):
    """The test client logged in as a demo staff member with an authenticator app, in a
    session that passed the second factor (the staff panel asks for it)."""
    from accounts.mfa import has_totp
    from accounts.models import User
    from tests.clients import Client
    from tests.factories import TOTP_SECRET

    user = User.objects.get(username=username)
    if not has_totp(user):
        TOTP.activate(user, TOTP_SECRET)
    client = Client()
    client.force_login(user)
    return client


@contextmanager
def staff_page(browser, live_server, client):
    """A browser page sharing `client`'s session (see staff_client)."""
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }
    context = new_context(browser, base_url=live_server.url)
    context.add_cookies([cookie])
    try:
        yield context.new_page()
    finally:
        context.close()

"""Phone first: every page a demo resident can reach, and the public pages, fit a 320 px and a
390 px wide screen with no horizontal scroll of the page.

The pages are found by following the links of each page from the dashboard (as a resident
would), so a new page linked from anywhere is measured without being listed here. Screenshots
of the main pages go to $EBOK_SCREENSHOTS when it is set (CI keeps them as artefacts)."""

import os
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from demo.logins import DEMO_PASSWORD

from .conftest import login

WIDTHS = (320, 390)
RESIDENTS = ("najemca", "wlasciciel", "wspolwlasciciel", "firma")
PUBLIC = ("/auth/login/", "/auth/password/reset/", "/deklaracja-dostepnosci/", "/weryfikacja/")
# Not pages: downloads, images, the language switch, log-out and staff-only areas.
NOT_PAGES = (
    ".pdf", ".csv", ".png", ".jpg", "/pdf/", "/xml/", "/i18n/", "/admin/", "/auth/logout"
)
MAIN_PAGES = {"/", "/oplaty/", "/liczniki/", "/awarie/", "/uchwaly/", "/faktury/"}
MAX_PAGES = 80
# Phrases the Polish review found (issue #19), and any gender hedged in brackets: none may be
# read on any page a resident reaches.
QUOTED = (
    "Wprowadż", "Autoryzacja dwuskładnikowa", "dwuskładnikow", "Rozpoczęto o",
    "Naliczenia za Grudzień", "tydzień,", "Witamy z", "127.0.0.1:8000]", "first_name",
    "granted_at", "Współwłaściciel(ka)", "(a)",
)


def too_wide(page):
    """[(width, scroll width, the first elements past the edge)] where the page is wider."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            culprits = page.evaluate(
                """(w) => Array.from(document.querySelectorAll('body *'))
                     .filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 3)
                     .map(e => e.tagName.toLowerCase() + '.' + e.className)""",
                width,
            )
            found.append((width, scroll, culprits))
    return found


def crawl(page, start, shots, who):
    """{path: too_wide(...)} for every HTML page reachable from `start` by links."""
    origin = urlparse(page.url).netloc or None
    queue, seen, results = [start], set(), {}
    while queue and len(results) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlparse(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(url)
        if response is None or response.status != 200:
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        origin = origin or urlparse(page.url).netloc
        results[path] = too_wide(page)
        text = page.inner_text("body")
        results[path] += [("phrase", quoted) for quoted in QUOTED if quoted in text]
        if shots and path in MAIN_PAGES:
            name = f"{who}-{path.strip('/').replace('/', '-') or 'pulpit'}-320.png"
            page.set_viewport_size({"width": 320, "height": 800})
            page.screenshot(path=str(shots / name), full_page=True)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link = urlparse(urljoin(url, href))
            if link.netloc != origin or link.scheme not in ("http", "https"):
                continue
            if any(part in link.path for part in NOT_PAGES):
                continue
            queue.append(link._replace(fragment="").geturl())
    return results


def screenshots_folder():
    folder = os.environ.get("EBOK_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("username", RESIDENTS)
def test_every_resident_page_fits_a_phone(browser, live_server, demo, username):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    try:
        login(page, username, DEMO_PASSWORD)
        page.wait_for_url(f"{live_server.url}/")
        results = crawl(page, f"{live_server.url}/", screenshots_folder(), username)
    finally:
        context.close()
    # Every resident reaches at least their money, meters, faults, inbox and profile.
    assert len(results) >= 15, sorted(results)
    assert {"/", "/oplaty/", "/liczniki/", "/awarie/", "/profil/"} <= set(results)
    wide = {path: found for path, found in results.items() if found}
    assert not wide, wide


def test_public_pages_fit_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    try:
        wide = {}
        for path in PUBLIC:
            response = page.goto(path)
            assert response.status == 200, path
            found = too_wide(page)
            text = page.inner_text("body")
            found += [("phrase", quoted) for quoted in QUOTED if quoted in text]
            if found:
                wide[path] = found
    finally:
        context.close()
    assert not wide, wide

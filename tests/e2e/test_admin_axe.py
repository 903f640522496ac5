"""axe-core on every staff panel page a clerk uses: the list, add and change page of each
registered model, and each custom admin view that answers a GET with a page, filled with the
demo data. The pages are found by walking the admin site's URLs, so a new model or view is
checked without being listed here.

The BOK clerk and the accountant see some pages read-only (fields as text, no buttons), so the
change pages are checked as each of them too."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, reverse

from accounts.mfa import has_totp
from accounts.models import User
from tests.clients import Client
from tests.factories import TOTP_SECRET

from .conftest import AXE_OPTIONS
from .test_phone_widths import demo  # noqa: F401 - the fixture

# Not pages: files, JSON, and pages that only redirect or act.
SKIP_NAMES = ("autocomplete", "jsi18n", "logout", "_delete", "_history", "view_on_site")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def session_cookie(live_server, client):
    """The client's session (password and second factor passed), as the browser's cookie."""
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "domain": host,
        "path": "/",
    }


def admin_pages(object_views_only=False):
    """[(url name, url)] of every model admin page that takes no argument or one object."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        first = model._default_manager.order_by("-pk").first()
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            name = pattern.name
            if any(skip in name for skip in SKIP_NAMES):
                continue
            params = PARAM.findall(str(pattern.pattern))
            if object_views_only and not params:
                continue
            if len(params) == 1 and "user" in params[0]:  # a resident's page, by user
                target = User.objects.filter(username="wlasciciel").first()
            else:
                target = first
            try:
                if not params:
                    url = reverse(f"admin:{name}")
                elif len(params) == 1 and target is not None:
                    url = reverse(f"admin:{name}", args=[target.pk])
                else:
                    continue
            except NoReverseMatch:
                continue
            pages.append((name, url))
    if not object_views_only:
        pages.append(("index", reverse("admin:index")))
    return sorted(set(pages))


def html_pages(client, pages):
    """The URLs that answer a GET with a page (not a file, a redirect or a 405)."""
    found = []
    for _name, url in pages:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append(url)
    return found


def axe_walk(page, urls):
    """({url: [violation ids and where]}, number of pages checked)."""
    axe = Axe()
    found, checked = {}, 0
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        checked += 1
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[url] = [
                (v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations
            ]
    return found, checked


@pytest.mark.parametrize(
    "username,object_views_only", [("admin", False), ("bok", True), ("ksiegowa", True)]
)
def test_every_admin_page_passes_axe(browser, live_server, demo, username, object_views_only):  # noqa: F811
    user = User.objects.get(username=username)
    if not has_totp(user):
        TOTP.activate(user, TOTP_SECRET)  # the staff panel asks for a second factor
    client = Client()
    client.force_login(user)
    urls = html_pages(client, admin_pages(object_views_only))
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    context.add_cookies([session_cookie(live_server, client)])
    page = context.new_page()
    try:
        found, checked = axe_walk(page, urls)
    finally:
        context.close()
    if username == "admin":
        # Each registered model's list and add page, the index and the custom views.
        assert checked >= 2 * len(admin.site._registry), checked
    else:
        assert checked >= 10, checked
    assert not found, "\n".join(f"{url}: {v}" for url, v in found.items())


def test_the_credentials_letter_passes_axe(browser, live_server, demo):  # noqa: F811
    """The letter a clerk prints after checking an ID (a page of its own, outside the panel)."""
    clerk = User.objects.get(username="bok")
    if not has_totp(clerk):
        TOTP.activate(clerk, TOTP_SECRET)
    client = Client()
    client.force_login(clerk)
    person = User.objects.get(username="najemca")
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    context.add_cookies([session_cookie(live_server, client)])
    page = context.new_page()
    try:
        page.goto(reverse("admin:accounts_user_issue_credentials", args=[person.pk]))
        page.get_by_label("Sprawdzony dokument tożsamości").select_option("id_card")
        page.get_by_role("button", name=re.compile("Wydaj")).click()
        page.wait_for_selector("article.letter")
        assert page.locator("main").count() == 1
        assert "najemca" in page.locator(".credentials").inner_text()
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    finally:
        context.close()
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]

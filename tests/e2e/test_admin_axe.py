"""axe-core on every staff panel page a clerk uses: the list, add and change page of each
registered model, and each custom admin view that answers a GET with a page, filled with the
demo data. The pages are found by walking the admin site's URLs, so a new model or view is
checked without being listed here.

The BOK clerk and the accountant see some pages read-only (fields as text, no buttons), so the
change pages are checked as each of them too. Every page is checked at a desktop's width and
a sample of them at a phone's (390 px), and no page may scroll sideways at either: a wide table
scrolls inside its own region."""

import re

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, reverse

from accounts.models import User

from .conftest import axe_report, axe_violations, staff_client, staff_page

# Not pages: files, JSON, and pages that only redirect or act.
SKIP_NAMES = ("autocomplete", "jsi18n", "logout", "_delete", "_history", "view_on_site")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def admin_pages(object_views_only=False):
    """[(url name, url)] of every model admin page that takes no argument or one object."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        first = model._default_manager.order_by("-pk").first()
        for pattern in model_admin.get_urls():
            url = page_url(pattern, first, object_views_only)
            if url is not None:
                pages.append((pattern.name, url))
    if not object_views_only:
        pages.append(("index", reverse("admin:index")))
    return sorted(set(pages))


def page_url(pattern, first, object_views_only):
    """The URL of a named admin page without arguments or of one object (`first`, or the
    resident for a page by user); None for any other pattern."""
    if not isinstance(pattern, URLPattern) or not pattern.name:
        return None
    if any(skip in pattern.name for skip in SKIP_NAMES):
        return None
    params = PARAM.findall(str(pattern.pattern))
    if not params:
        return None if object_views_only else admin_url(pattern.name)
    if len(params) > 1:
        return None
    if "user" in params[0]:  # a resident's page, by user
        first = User.objects.filter(username="wlasciciel").first()
    return None if first is None else admin_url(pattern.name, first.pk)


def admin_url(name, *args):
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def html_pages(client, pages):
    """The URLs that answer a GET with a page (not a file, a redirect or a 405)."""
    found = []
    for _name, url in pages:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append(url)
    return found


# A phone in portrait, as a clerk on the go holds one, and the desktop the panel is made for.
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
# axe runs at the phone's width on every PHONE_EVERY-th page of a walk (the walks together
# cover each kind of page: lists, searched lists, add and change pages with their inline
# tables, the custom views); every page is measured for sideways scroll at both widths.
PHONE_EVERY = 3


def wider_than(page, size):
    """The page's width when it scrolls sideways at `size`, else None."""
    page.set_viewport_size(size)
    width = page.evaluate("document.documentElement.scrollWidth")
    return width if width > size["width"] else None


def violations_at(page, size):
    page.set_viewport_size(size)
    return [
        (size["width"], v["id"], [n["target"] for n in v["nodes"][:3]])
        for v in axe_violations(page)
    ]


def axe_walk(page, urls):
    """({url: [violations and sideways scrolls]}, number of pages checked)."""
    found, checked = {}, 0
    for index, url in enumerate(urls):
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        checked += 1
        problems = violations_at(page, DESKTOP)
        if index % PHONE_EVERY == 0:
            problems += violations_at(page, PHONE)
        for size in (DESKTOP, PHONE):
            width = wider_than(page, size)
            if width:
                problems.append((size["width"], "scrolls sideways", width))
        if problems:
            found[url] = problems
    return found, checked


def searched_lists():
    """Lists narrowed by a search, which show "N wyników (Pokaż wszystko)"."""
    return [
        reverse("admin:accounts_user_changelist") + "?q=a",
        reverse("admin:billing_charge_changelist") + "?q=1",
        reverse("admin:faults_faultreport_changelist") + "?q=a",
    ]


# The superuser's walk (every list, add and change page) is split in shards that separate
# test processes can take; each shard walks every SHARDS-th page.
SHARDS = 4
WALKS = [("admin", False, shard) for shard in range(SHARDS)] + [
    ("bok", True, None),
    ("ksiegowa", True, None),
]


@pytest.mark.parametrize(("username", "object_views_only", "shard"), WALKS)
def test_every_admin_page_passes_axe(
    browser, live_server, demo, username, object_views_only, shard
):
    client = staff_client(username)
    urls = html_pages(client, admin_pages(object_views_only))
    if username == "admin":
        # Each registered model's list and add page, the index and the custom views.
        assert len(urls) >= 2 * len(admin.site._registry), len(urls)
        urls += searched_lists()
    else:
        assert len(urls) >= 10, len(urls)
    if shard is not None:
        urls = urls[shard::SHARDS]
    with staff_page(browser, live_server, client) as page:
        found, checked = axe_walk(page, urls)
    assert checked == len(urls)
    assert not found, "\n".join(f"{url}: {v}" for url, v in found.items())


def test_the_credentials_letter_passes_axe(browser, live_server, demo):
    """The letter a clerk prints after checking an ID (a page of its own, outside the panel)."""
    person = User.objects.get(username="najemca")
    with staff_page(browser, live_server, staff_client("bok")) as page:
        page.goto(reverse("admin:accounts_user_issue_credentials", args=[person.pk]))
        page.get_by_label("Sprawdzony dokument tożsamości").select_option("id_card")
        page.get_by_role("button", name=re.compile("Wydaj")).click()
        page.wait_for_selector("article.letter")
        assert page.locator("main").count() == 1
        assert "najemca" in page.locator(".credentials").inner_text()
        violations = axe_violations(page)
    assert not violations, axe_report(violations)

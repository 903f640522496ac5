"""Plain Polish and real English as a class (docs/glossary.md, "Numbers and names"): walk every
page the demo residents reach, in Polish and in English, and read the text each page shows.
What the catalogue alone cannot show is checked here: figures come from filters, not phrases.

- no money with a minus sign: a balance says "do zapłaty" or "nadpłata";
- no volume padded to three decimals ("1,400", "145,000") or grouped ("1 234,5 m³");
- no gender hedged in brackets, from the catalogue or a stored text;
- no bank account called "konto" (ours is "konto 1001"; the bank's is a "rachunek");
- one name for each page: a breadcrumb names the page it links to as that page's heading does;
- in English, no number written the Polish way ("855,94").

The walk follows links from the dashboard, as a resident would, so a new page is read without
being listed here."""

import html
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import User
from tests.clients import Client
from tests.ebok.test_catalogue import BANK_ACCOUNT_AS_KONTO, HEDGED_GENDER

pytestmark = pytest.mark.django_db
RESIDENTS = ("najemca", "wlasciciel", "firma")  # a tenant, an owner who votes, invoices
NOT_PAGES = (".pdf", ".csv", ".png", ".jpg", "/pdf/", "/xml/", "/i18n/", "/admin/", "/auth/logout")
MAX_PAGES = 80

# "−855,94 zł", "-23,42 zł": a signed figure (U+2212 is how our filters write a minus).
SIGNED_MONEY = re.compile(r"−\s?\d|(?<![\w/.\-])-\d[\d\u00a0 ]*[,.]\d\d\b")
# "1,400" and "145,000" for 1.4 and 145 m³: padded volumes, ambiguous in English.
PADDED_VOLUME = re.compile(r"(?<![\d.,])\d+[,.]\d\d0(?![\d.,])")
# A thousands separator in a volume: a space in Polish, a comma in English ("1,400 m³").
GROUPED_VOLUME = {
    "pl": re.compile(r"\d[\u00a0 ]\d{3}(?:,\d+)?\s?m³"),
    "en": re.compile(r"\d,\d{3}(?:\.\d+)?\s?m³"),
}
# A bank account number labelled as "konto".
BANK_NUMBER_AS_KONTO = re.compile(r"numer konta\W*(?:PL)?\s?\d{2}\s?\d{4}", re.IGNORECASE)
# "855,94" or "1 154,74": a decimal comma, on an English page.
POLISH_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\u00a0\d{3})*,\d{2}(?!\d)")

# Not read: the balance chart's axis labels (a picture; below its zero line is debt, and its
# description says so in words) and a correcting invoice's figures, negative as on the invoice.
UNREAD = re.compile(
    r'<(script|style)\b.*?</\1>|<text class="chart-axis".*?</text>'
    r'|<td class="num correction".*?</td>',
    re.S,
)
# Breadcrumbs that still name a page otherwise than its heading, each with the issue that
# renames it. A name put right here fails the test until it is taken off this list.
PENDING_NAMES: dict[tuple[str, str, str], str] = {}


def visible_text(page: str) -> str:
    main = re.search(r"<main\b.*?</main>", page, re.S)
    text = UNREAD.sub(" ", main.group(0) if main else page)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(text))


def clean(fragment: str) -> str:
    fragment = re.sub(r'<span class="(?:subtitle|visually-hidden)">.*?</span>', "", fragment)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def walk(username: str, language: str) -> dict[str, str]:
    """{path: HTML} of every page reachable from the dashboard by links."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(User.objects.get(username=username))
    queue, seen, pages = ["/"], set(), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages[path] = page = response.content.decode()
        for href in re.findall(r'href="([^"]+)"', page):
            link = urlparse(urljoin(path, html.unescape(href)))
            if link.scheme not in ("", "http") or link.netloc not in ("", "testserver"):
                continue
            if not any(part in link.path for part in NOT_PAGES):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return pages


def found(pattern: re.Pattern, pages: dict[str, str], skip=()) -> dict[str, list[str]]:
    hits = {
        path: sorted({m.group(0) for m in pattern.finditer(visible_text(page))})
        for path, page in pages.items()
        if not path.startswith(skip)
    }
    return {path: h for path, h in hits.items() if h}


@pytest.fixture(scope="module")
def walks(demo_for_module, django_db_blocker):
    # override: a request leaves its language active in the thread, and the next module's
    # demo would be seeded in English
    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE):
        return {
            (username, language): walk(username, language)
            for username in RESIDENTS
            for language in ("pl", "en")
        }


@pytest.fixture(params=[(u, lang) for u in RESIDENTS for lang in ("pl", "en")], ids=str)
def walked(request, walks):
    """(language, pages) of one resident's walk."""
    return request.param[1], walks[request.param]


def test_the_walk_reaches_the_pages_with_figures(walks):
    for (username, _language), pages in walks.items():
        assert {"/", "/oplaty/", "/liczniki/", "/profil/"} <= set(pages), username
        assert any(re.fullmatch(r"/oplaty/\d+/historia/.*", p) for p in pages), username


def test_no_money_is_shown_with_a_minus_sign(walked):
    _language, pages = walked
    assert found(SIGNED_MONEY, pages) == {}


def test_no_volume_is_padded_or_grouped(walked):
    language, pages = walked
    assert found(PADDED_VOLUME, pages) == {}
    assert found(GROUPED_VOLUME[language], pages) == {}


def test_no_gender_is_hedged(walked):
    _language, pages = walked
    assert found(HEDGED_GENDER, pages) == {}


def test_a_bank_account_is_never_a_konto(walked):
    _language, pages = walked
    assert found(BANK_ACCOUNT_AS_KONTO, pages) == {}
    assert found(BANK_NUMBER_AS_KONTO, pages) == {}


def test_english_pages_write_english_numbers(walks):
    for username in RESIDENTS:
        pages = walks[(username, "en")]
        assert found(POLISH_NUMBER, pages) == {}, username


def test_a_breadcrumb_names_a_page_as_its_heading_does(walks):
    """ "Rozliczenia wody i ścieków" on the link, "Rozliczenia wody" on the page was one page
    with two names: each breadcrumb link reads as the heading of the page it opens."""
    mismatched = set()
    for pages in walks.values():
        headings = {
            path: clean(h1.group(1))
            for path, page in pages.items()
            if (h1 := re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S))
        }
        for page in pages.values():
            for crumbs in re.findall(r'<nav[^>]*class="breadcrumb"[^>]*>(.*?)</nav>', page, re.S):
                for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', crumbs, re.S):
                    name, heading = clean(text), headings.get(href)
                    # the dashboard greets the resident by name; its crumb is "Home"
                    if href == "/" or heading is None or name == heading:
                        continue
                    # an object's crumb is its number, which its heading carries ("1/2026")
                    if not (re.search(r"\d", name) and name in heading):
                        mismatched.add((href, name, heading))
    assert {m for m in mismatched if m not in PENDING_NAMES} == set()
    assert {m for m in PENDING_NAMES if m not in mismatched} == set(), "no longer pending"

"""The 403, 404 and 500 pages are the site's own, in Polish, with DEBUG=False; the 500 page
renders without touching the database (these tests have no database access at all)."""

import logging

import pytest

from tests.clients import Client

pytestmark = pytest.mark.urls("tests.ebok.error_urls")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = False


def page(response):
    return response.content.decode()


def test_an_unknown_address_answers_the_polish_404_page(production):
    response = Client().get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    assert "<h1>Nie ma takiej strony</h1>" in page(response)
    assert 'class="site-header"' in page(response)  # the site's look: base.html


def test_a_view_that_raises_404_answers_the_polish_404_page(production):
    response = Client().get("/test-404/")
    assert response.status_code == 404
    assert "Nie ma takiej strony" in page(response)
    assert "no such row" not in page(response)


def test_a_refused_page_answers_the_polish_403_page(production):
    response = Client().get("/test-403/")
    assert response.status_code == 403
    assert "<h1>Brak dostępu</h1>" in page(response)
    assert "nobody may" not in page(response)
    assert "Biura Obsługi Klienta (BOK)" in page(response)


def test_a_refusal_is_one_log_line_without_a_traceback(production, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        Client().get("/test-403/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /test-403/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_an_error_is_still_logged_with_its_traceback(production, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        Client(raise_request_exception=False).get("/test-500/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None


def test_a_view_that_raises_answers_the_polish_500_page_without_the_database(production):
    client = Client(raise_request_exception=False)
    response = client.get("/test-500/")
    assert response.status_code == 500
    body = page(response)
    assert "<h1>Coś poszło nie tak</h1>" in body
    assert "a bug" not in body
    assert "Spróbuj ponownie za kilka minut" in body
    assert '<html lang="pl">' in body
    assert "css/ebok.css" in body
    assert "33 000 00 00" in body  # MANAGER_PHONE, from the settings alone


def exploding(request):
    raise AssertionError("a context processor ran")


def test_the_500_page_runs_no_context_processor(production, settings):
    # The database or Redis that failed is what the menu's processors would read.
    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "context_processors": [
            *engine["OPTIONS"]["context_processors"],
            "tests.ebok.test_error_pages.exploding",
        ],
    }
    settings.TEMPLATES = [engine]
    response = Client(raise_request_exception=False).get("/test-500/")
    assert response.status_code == 500
    assert "Coś poszło nie tak" in page(response)

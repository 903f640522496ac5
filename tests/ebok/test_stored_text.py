"""core.stored_text: a key with parameters reads in the active language; a row it cannot
render reads its stored text."""

import datetime
from decimal import Decimal as D

from django.utils import translation

from core.stored_text import LongDay, Names, StoredText, Volume, lazy_key, render
from faults.models import Status


def test_parameters_read_in_each_language():
    text = StoredText(
        "Readings are collected until %(day)s and we do not have yours yet. Submit them in "
        "e-BOK under Water meters.",
        {"day": LongDay(datetime.date(2026, 12, 5))},
    )
    params = text.encoded()
    assert params == {"day": {"long_day": "2026-12-05"}}
    assert text.polish().startswith("Odczyty przyjmujemy do 5 grudnia 2026, ")
    with translation.override("en"):
        assert render(text.key, params).startswith("Readings are collected until 5 December 2026")


def test_names_and_volumes():
    names = StoredText("%(component)s %(month)s", {"component": Names("Czynsz", "Rent")})
    volume = StoredText("Correction: %(title)s", {"title": Volume(D("1.400"))})
    with translation.override("en"):
        assert render(names.key, {**names.encoded(), "month": "11/2026"}) == "Rent 11/2026"
        assert str(volume) == "Correction: 1.4"
    with translation.override("pl"):
        assert str(volume) == "Korekta: 1,4"


def test_a_key_with_a_context_reads_its_translation():
    key = lazy_key(Status.IN_PROGRESS.label)
    assert key == "fault status\x04in progress"
    with translation.override("en"):
        assert render(key, {}) == "in progress"
    with translation.override("pl"):
        assert render(key, {}) == str(Status.IN_PROGRESS.label)


def test_parameters_that_do_not_fit_read_the_stored_text():
    assert render("Correction: %(title)s", {}, "Korekta: Czynsz") == "Korekta: Czynsz"
    assert render("", {"a": 1}, "tekst wpisany przez pracownika") == (
        "tekst wpisany przez pracownika"
    )

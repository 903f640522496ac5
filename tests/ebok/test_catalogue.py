"""The Polish catalogue: every phrase translated, and the glossary's terms (docs/glossary.md)
used wherever our pages take a phrase from Django's or allauth's catalogues too."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.po"
# Terms the glossary rules out, and typos found in the libraries' Polish.
BANNED = [
    "dwuskładnik",
    "Autoryzacja dwu",
    "autoryzacyjn",  # the app is "aplikacja uwierzytelniająca"
    "odzyskiwania",  # recovery codes are "kody zapasowe" (but "odzyskać hasło" is fine)
    "Wprowadż",
    "został(a)",
    "(-na)",
    "kolejne(go)",
    "miejmy nadzieję",  # "Ktoś (miejmy nadzieję, że Ty)": say what happened instead
]
# A gender hedged in brackets ("zagłosował(a)", "Współwłaściciel(ka)", "wyraziłeś(-aś)",
# "sprawdziłem(-am)"): our Polish says who did it without guessing their gender ("osoba
# głosująca", "zgłoszenie: Jan Kowalski") or turns the sentence ("Nie masz jeszcze …").
HEDGED_GENDER = re.compile(r"\w\((?:a|ka|na|ła|ło|y|i|-\w{1,4})\)|\w(?:em|eś)/(?:am|aś|a)\b")
# "konto" is our customer account (1001); a bank account is "rachunek bankowy".
BANK_ACCOUNT_AS_KONTO = re.compile(r"kont\w* bankow|numer\w* kont\w* bankow", re.IGNORECASE)
# Messaging's names in our phrases (#31): "Powiadomienia", "Wiadomości do BOK", "Dotyczy",
# "Tytuł" (allauth's "skrzynka odbiorcza" is the resident's own mailbox, rightly).
OUR_BANNED = ["Skrzynka odbiorcza", "skrzynka odbiorcza", "skrzynce odbiorczej w e-BOK"]
OUR_BANNED += ["Temat sprawy", "temat sprawy"]


def entries():
    return [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]


def test_every_phrase_has_a_polish_translation():
    untranslated = [
        e.msgid
        for e in entries()
        if "fuzzy" in e.flags
        or (e.msgid_plural and not all(e.msgstr_plural.get(i) for i in range(3)))
        or (not e.msgid_plural and not e.msgstr)
    ]
    assert untranslated == []


def test_no_translation_hedges_a_gender():
    hedged = [
        (e.msgid, text)
        for e in entries()
        for text in [e.msgstr, *e.msgstr_plural.values()]
        if HEDGED_GENDER.search(text)
    ]
    assert hedged == []


def test_our_translations_follow_the_glossary():
    wrong = [
        (e.msgid, term)
        for e in entries()
        for term in BANNED + OUR_BANNED
        if term in e.msgstr or any(term in s for s in e.msgstr_plural.values())
    ]
    assert wrong == []


def test_a_bank_account_is_a_rachunek_not_a_konto():
    """ "Numer konta" beside "konto 1001" reads as our account number: the bank's is "numer
    rachunku bankowego" (docs/glossary.md), in Polish and in the English msgid alike."""
    wrong = [
        e.msgid
        for e in entries()
        for text in [e.msgstr, *e.msgstr_plural.values()]
        if BANK_ACCOUNT_AS_KONTO.search(text)
        or (re.search(r"\bbank account\b", e.msgid, re.IGNORECASE) and "rachun" not in text.lower())
    ]
    assert wrong == []


def test_no_money_figure_is_written_into_a_phrase_with_a_sign():
    """A balance is said in words ("Do zapłaty", "Nadpłata"), never as "−886,32 zł" or
    "payments minus charges": the catalogue may not bring the signed balance back."""
    signed = [
        e.msgid
        for e in entries()
        if re.search(
            r"minus (?:naliczenia|charges)|ujemne saldo|negative balance", e.msgstr + e.msgid
        )
    ]
    assert signed == []


@pytest.mark.parametrize("library", ["allauth", "django.contrib.admin"])
def test_the_libraries_phrases_we_show_follow_the_glossary(library):
    """Each phrase of the library as Django resolves it for Polish (ours first)."""
    module = __import__(library, fromlist=["__file__"])
    po = Path(module.__file__).parent / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    wrong = []
    with translation.override("pl"):
        for e in polib.pofile(str(po)):
            if e.msgid_plural or e.msgctxt or not e.msgstr:
                continue
            shown = gettext(e.msgid)
            wrong += [(e.msgid, term) for term in BANNED if term in shown]
            if HEDGED_GENDER.search(shown) and library == "allauth":
                wrong.append((e.msgid, "hedged gender"))
    assert wrong == []


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_compiled_catalogue_is_the_committed_source(language):
    """django.mo is what Django reads: a phrase added to django.po but not compiled would show
    in English (run `make messages`, or `manage.py compilemessages`, and commit both)."""
    folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"

    def translations(catalogue):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalogue
            if not e.obsolete
            and "fuzzy" not in e.flags
            and (e.msgstr or any(e.msgstr_plural.values()))
        }

    source = translations(polib.pofile(str(folder / "django.po")))
    compiled = translations(polib.mofile(str(folder / "django.mo")))
    assert {k: v for k, v in source.items() if compiled.get(k) != v} == {}

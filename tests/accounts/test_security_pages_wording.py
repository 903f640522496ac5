"""allauth's security pages in our Polish (issue #31): one label a field and no colons, the
two-factor status in plain words, "Twoich" capitalised, and in English the same pages read as
English."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text(response) -> str:
    main = re.search(r"<main\b.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("\xa0", " ")


def labels(response) -> list[str]:
    found = re.findall(r"<label[^>]*>(.*?)</label>", response.content.decode(), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", label)).strip() for label in found]


def test_reauthentication_asks_once_for_the_password(owner_client):
    response = owner_client.get(reverse("account_reauthenticate"))
    page = text(response)
    assert "Dla bezpieczeństwa wpisz jeszcze raz swoje hasło." in page
    assert "dokonaj ponownego uwierzytelnienia" not in page
    assert "Wpisz hasło:" not in page
    form_labels = [label for label in labels(response) if label != "Język"]
    assert form_labels == ["Hasło (wymagane)"]  # one label, no colon


def test_two_factor_status_is_said_plainly(owner_client):
    page = text(owner_client.get(reverse("mfa_index")))
    assert "Kod z aplikacji w telefonie: wyłączony." in page
    assert "Włącz" in page
    assert "autoryzacyjn" not in page
    assert "odzyskiwania" not in page
    assert "Kody zapasowe: otrzymasz je po włączeniu kodu z aplikacji w telefonie." in page


def test_password_change_labels_have_no_colons(owner_client):
    response = owner_client.get(reverse("account_change_password"))
    page = text(response)
    assert "do Twoich innych danych osobowych" in page
    form_labels = [label for label in labels(response) if label != "Język"]
    assert form_labels == [
        "Obecne hasło (wymagane)",
        "Nowe hasło (wymagane)",
        "Nowe hasło (ponownie) (wymagane)",
    ]
    assert not any(label.endswith(":") for label in form_labels)


def test_the_same_pages_in_english(owner_client):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "For your security, type your password once more." in text(
        owner_client.get(reverse("account_reauthenticate"))
    )
    page = text(owner_client.get(reverse("mfa_index")))
    assert "Code from the phone app: off." in page
    assert "Turn on" in page

"""Forgotten password: the same neutral answer for everyone, naming the office for residents
whose address was never proven; the reset e-mail signed by the manager with the site's own
address; confirming the current address from the profile so that a reset link may go there."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import EmailChange
from accounts.tasks import email_change_link_send

pytestmark = pytest.mark.django_db

RESET = reverse("account_reset_password")
SITE = "https://ebok.zbm-cieszyn.example.pl"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60


def done_page(client, email):
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_answer_is_the_same_for_a_letter_resident_a_proven_one_and_a_stranger(
    client, owner, stranger, settings
):
    """owner: address typed in by a clerk, never proven (a login issued by letter);
    stranger: a proven address; and an address nobody has."""
    EmailAddress.objects.create(user=stranger, email=stranger.email, verified=True, primary=True)
    pages = [done_page(client, e) for e in (owner.email, stranger.email, "nikt@example.pl")]
    answers = [re.search(r"<main.*</main>", p, re.S).group(0) for p in pages]
    assert answers[0] == answers[1] == answers[2]
    page = pages[0]
    assert "Jeśli podany adres jest potwierdzonym adresem e-mail loginu e-BOK" in page
    assert "Wysłaliśmy" not in page
    assert "We have sent" not in page
    # The way for a resident without a proven address: the office, with its address and phone.
    assert "Biuro Obsługi Klienta (BOK) ustawi nowe hasło" in page
    assert settings.MANAGER_ADDRESS in page
    assert settings.MANAGER_PHONE in page
    # Only the proven address got a message.
    assert [m.to for m in mail.outbox] == [[stranger.email]]


def test_the_reset_email_is_polish_signed_and_links_to_the_site(client, owner, settings):
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    client.post(RESET, {"email": owner.email}, HTTP_HOST="127.0.0.1:8000")
    message = mail.outbox[0]
    assert message.subject == (
        "Ustawienie nowego hasła do e-BOK — Zakład Budynków Miejskich w Cieszynie"
    )
    body = message.body
    assert body.startswith("Dzień dobry,\n\notrzymaliśmy prośbę o ustawienie nowego hasła")
    assert "loginu e-BOK owner" in body
    assert "Działa jednorazowo i przez 60 minut" in body  # 3600 s / 60
    link = re.search(r"^https://\S+$", body, re.M).group(0)
    assert link.startswith(SITE + "/auth/password/reset/key/")
    assert body.rstrip().endswith(f"{settings.MANAGER_NAME}\n{SITE}")
    for wrong in ("127.0.0.1", "Witamy", "Hello", "[", "example.com"):
        assert wrong not in message.subject + body, wrong
    # The link opens the form to set a new password (allauth moves the key into the session).
    path = link.removeprefix(SITE)
    form = client.get(path, follow=True)
    assert "Ustaw nowe hasło" in form.content.decode()


def test_an_expired_or_forged_link_says_so_plainly(client, owner):
    page = client.get("/auth/password/reset/key/1-forged/", follow=True).content.decode()
    assert "Ten link już nie działa" in page
    assert reverse("account_reset_password") in page
    main = re.search(r"<main.*</main>", page, re.S).group(0)
    assert "token" not in main.lower()


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{RESET}"' in page
    assert "Nie pamiętasz hasła?" in page


def test_a_resident_confirms_the_current_address_from_the_profile(owner_client, owner, client):
    page = owner_client.get(reverse("profile")).content.decode()
    assert "(niepotwierdzony)" in page
    assert "Wyślij link potwierdzający ten adres" in page

    response = owner_client.post(reverse("profile_email_confirm"))
    assert response.status_code == 302
    change = EmailChange.objects.get(user=owner)
    assert change.old_email == change.new_email == owner.email
    assert email_change_link_send(change.pk) == "sent"
    message = mail.outbox[-1]
    assert message.to == [owner.email]
    assert message.subject == "Potwierdź swój adres e-mail w e-BOK"
    assert (
        "Otrzymaliśmy prośbę o potwierdzenie, że ten adres należy do osoby korzystającej z "
        "loginu owner w e-BOK." in message.body
    )
    link = re.search(r"https?://\S+/profil/email/potwierdz/\S+", message.body).group(0)
    assert link.startswith(SITE)
    assert client.get(link.removeprefix(SITE)).status_code == 200

    address = EmailAddress.objects.get(user=owner)
    assert address.email == owner.email
    assert address.verified
    assert address.primary
    owner.refresh_from_db()
    assert owner.email == "owner@example.pl"  # unchanged: only proven
    page = owner_client.get(reverse("profile")).content.decode()
    assert "(potwierdzony)" in page
    assert "Wyślij link potwierdzający ten adres" not in page

    # Now a reset link goes there.
    mail.outbox.clear()
    client.post(RESET, {"email": owner.email})
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_confirming_an_already_confirmed_address_sends_nothing(owner_client, owner):
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    response = owner_client.post(reverse("profile_email_confirm"), follow=True)
    assert "Ten adres jest już potwierdzony." in response.content.decode()
    assert not EmailChange.objects.exists()
    assert mail.outbox == []

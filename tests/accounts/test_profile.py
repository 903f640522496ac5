"""The profile: contact data and accounts, phone, e-mail change verified by a link, e-mail
choices per kind, consent to electronic delivery with its history."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts import profile
from accounts.models import Consent, EmailChange
from accounts.queries import consent_is_given
from accounts.tasks import email_change_link_send
from messaging import Kind, notify
from messaging.models import MessagingPreference, Notification
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_shows_contact_data_and_accounts(owner_client, owner, account):
    page = owner_client.get(reverse("profile")).content.decode()
    assert owner.email in page
    assert account.number in page


def test_phone_change_and_bad_phone(owner_client, owner):
    response = owner_client.post(reverse("profile_phone"), {"phone": "+48 600-123-456"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "+48600123456"
    for bad in ["12", "600 123 45a", "６００１２３４５６", "1" * 41]:
        response = owner_client.post(reverse("profile_phone"), {"phone": bad})
        assert response.status_code == 400
        assert response.context["phone_form"].errors["phone"]
    owner.refresh_from_db()
    assert owner.phone == "+48600123456"


def test_email_change_takes_effect_only_when_the_link_is_opened(owner_client, owner, client):
    old = owner.email
    response = owner_client.post(
        reverse("profile_email"), {"email": "Nowy@Example.pl", "password": PASSWORD}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == old  # not yet
    change = EmailChange.objects.get(user=owner)
    assert email_change_link_send(change.pk) == "sent"
    message = mail.outbox[-1]
    assert message.to == ["nowy@example.pl"]
    link = next(word for word in message.body.split() if "/profil/email/potwierdz/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    owner.refresh_from_db()
    assert owner.email == "nowy@example.pl"
    assert EmailAddress.objects.get(user=owner, primary=True).email == "nowy@example.pl"
    assert client.get("/" + path).status_code == 410  # once only


def test_forged_email_link_changes_nothing(client, owner):
    assert client.get(reverse("email_confirm", args=["forged:token"])).status_code == 410
    owner.refresh_from_db()
    assert owner.email == "owner@example.pl"


@pytest.mark.parametrize("bad", ["", "nie-adres", "a@" + "b" * 260 + ".pl", "owner@example.pl"])
def test_bad_email_is_refused(owner_client, owner, bad):
    response = owner_client.post(reverse("profile_email"), {"email": bad, "password": PASSWORD})
    assert response.status_code == 400
    assert response.context["email_form"].errors["email"]
    assert not EmailChange.objects.exists()


def test_consent_history_is_kept(owner_client, owner):
    owner_client.post(reverse("profile_consent"), {"consent": "on"})
    owner_client.post(reverse("profile_consent"), {})
    owner_client.post(reverse("profile_consent"), {"consent": "on"})
    rows = list(Consent.objects.filter(user=owner).order_by("pk"))
    assert len(rows) == 2
    assert rows[0].withdrawn_at is not None
    assert rows[0].withdrawn_at >= rows[0].given_at
    assert rows[1].withdrawn_at is None
    assert rows[1].given_at >= rows[0].withdrawn_at
    assert consent_is_given(owner)
    # three timestamps: given, withdrawn, given again
    stamps = [rows[0].given_at, rows[0].withdrawn_at, rows[1].given_at]
    assert stamps == sorted(stamps)
    page = owner_client.get(reverse("profile")).content.decode()
    assert page.count("<tr><td") >= 2


def test_giving_consent_twice_adds_one_row(owner):
    assert profile.consent_set(user=owner, given=True)
    assert not profile.consent_set(user=owner, given=True)
    assert Consent.objects.filter(user=owner).count() == 1


def test_per_kind_email_opt_out_is_respected_by_notify(owner_client, owner):
    response = owner_client.post(
        reverse("profile_preferences"),
        {
            "email_notices": "on",
            "email_meters": "on",
            "email_faults": "on",
            "email_resolutions": "on",
        },  # billing unticked
    )
    assert response.status_code == 302
    assert MessagingPreference.objects.get(user=owner).email_billing is False
    billing = notify(owner, "Nowe naliczenie", "…", kind=Kind.BILLING)
    meters = notify(owner, "Odczyt", "…", kind=Kind.METERS)
    general = notify(owner, "Odpowiedź BOK", "…")
    assert billing.email_status == Notification.EmailStatus.OPTED_OUT
    assert meters.email_status == Notification.EmailStatus.PENDING
    assert general.email_status == Notification.EmailStatus.PENDING  # cannot be turned off
    assert billing.category == "billing"
    assert Notification.objects.filter(user=owner).count() == 3  # all in the inbox


def test_notify_refuses_an_unknown_kind(owner):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(owner, "x", "y", kind="spam")

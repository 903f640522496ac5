"""Logging in: allauth by login name, the forced first change, rate limits, reset, idle expiry."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from ebok.middleware import SlidingSessionMiddleware
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
NEW_PASSWORD = "Moje-Nowe-Haslo-77"


def log_in(client, login, password):
    return client.post(LOGIN, {"login": login, "password": password})


def errors_of(response):
    return " ".join(str(e) for e in response.context["form"].errors.values())


def test_login_by_username_lands_on_dashboard(client, owner, account):
    response = log_in(client, "owner", PASSWORD)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert account.number in page.content.decode()


def test_login_page_is_polish_by_default(client):
    page = client.get(LOGIN).content.decode()
    assert 'lang="pl"' in page
    assert "Zaloguj" in page


def test_no_public_signup(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert b'name="password1"' not in response.content
    response = client.post(
        reverse("account_signup"), {"username": "intruder", "password1": NEW_PASSWORD}
    )
    from accounts.models import User

    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("", ""),
        ("owner", ""),
        ("", PASSWORD),
        ("x" * 10_000, PASSWORD),
        ("owner", "x" * 10_000),
        ("owner", "wrong-password"),
        ("nobody", "wrong-password"),
        ("owner\x00", PASSWORD),
        ("' OR 1=1 --", "x"),
    ],
)
def test_bad_login_input_gives_a_message_not_500(client, owner, login, password):
    response = log_in(client, login, password)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_login_read_the_same(client, owner):
    wrong = errors_of(log_in(client, "owner", "wrong-password"))
    unknown = errors_of(log_in(client, "nobody-here", "wrong-password"))
    assert wrong == unknown


def test_failed_logins_are_rate_limited_per_login(client, owner):
    for _ in range(5):
        assert log_in(client, "owner", "wrong-password").status_code == 200
    response = log_in(client, "owner", PASSWORD)  # even the right password waits now
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    # The limit is per login: another resident is not locked out by it.
    other = UserFactory(username="neighbour")
    assert log_in(client, other.username, PASSWORD).status_code == 302


def test_one_time_password_forces_a_change_first(client, owner, account, staff):
    _issue, password = services.credentials_issue(
        user=owner, method="letter", document_type="id_card", clerk=staff
    )
    response = log_in(client, "owner", password)
    assert response.status_code == 302
    for path in (
        reverse("dashboard"),
        reverse("account_detail", args=[account.pk]),
        reverse("messaging:notification_list"),
    ):
        blocked = client.get(path)
        assert blocked.status_code == 302
        assert blocked["Location"] == reverse("first_password")

    page = client.post(
        reverse("first_password"), {"new_password1": NEW_PASSWORD, "new_password2": "different-1"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["new_password2"]
    page = client.post(
        reverse("first_password"), {"new_password1": "12345678901", "new_password2": "12345678901"}
    )
    assert list(page.context["form"].errors) == ["new_password1"]  # only digits
    owner.refresh_from_db()
    assert owner.must_change_password

    done = client.post(
        reverse("first_password"), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200  # the session survived
    client.logout()
    assert log_in(client, "owner", password).status_code == 200  # the one-time one is gone
    assert log_in(client, "owner", NEW_PASSWORD).status_code == 302


def test_first_password_page_is_not_needed_after_the_change(client, owner):
    client.force_login(owner)
    response = client.get(reverse("first_password"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_reset_goes_only_to_a_verified_address(client, owner):
    response = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 302
    assert mail.outbox == []  # the address was never proven

    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    response = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]

    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_reset_page_never_tells_whether_an_address_exists(client, owner):
    known = client.post(reverse("account_reset_password"), {"email": owner.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.pl"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert mail.outbox == []


def test_reset_with_a_bad_address_gives_a_message(client):
    response = client.post(reverse("account_reset_password"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_idle_session_expires(client, owner, settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    log_in(client, "owner", PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()  # the cached copy of a session expires after the same idle time
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_request_a_minute_later_extends_the_idle_timeout(client, owner, settings):
    log_in(client, "owner", PASSWORD)
    session = SessionStore(client.session.session_key)
    session[SlidingSessionMiddleware.KEY] -= settings.SESSION_REFRESH_SECONDS  # a minute ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    cache.clear()
    client.get(reverse("dashboard"))
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=20)


def test_requests_within_the_minute_do_not_write_the_session(client, owner):
    log_in(client, "owner", PASSWORD)
    client.get(reverse("dashboard"))
    stored = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    assert Session.objects.get().expire_date == stored
    assert not [q for q in queries if "django_session" in q["sql"]]


def test_logout_everywhere_ends_other_sessions(client, owner):
    from tests.clients import Client

    other_device = Client()
    log_in(other_device, "owner", PASSWORD)
    log_in(client, "owner", PASSWORD)
    assert other_device.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("usersessions_list"), {"action": "sign_out_other"})
    assert response.status_code in (200, 302)
    assert client.get(reverse("dashboard")).status_code == 200
    assert other_device.get(reverse("dashboard")).status_code == 302


def test_pages_with_personal_data_are_not_cached(client, owner):
    client.force_login(owner)
    assert client.get(reverse("dashboard"))["Cache-Control"] == "no-store"


def test_polish_even_for_an_english_browser_until_english_is_chosen(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="pl">' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="pl")
    assert '<html lang="en">' in page.content.decode()
    assert "Log in to e-BOK" in page.content.decode()

"""The audit's account-takeover findings, replayed as the attacker did them over HTTP: a clerk
who becomes the superuser through an activation link (no second factor asked), clerks who edit
staff, and an e-mail takeover with a session alone. Every login path ends in allauth's flow, so
a user with an authenticator app always passes it."""

import re
import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import CredentialIssue, EmailChange, SecurityNotice, User
from accounts.tasks import security_notice_send
from audit.models import AuditEvent
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
LOGIN = reverse("account_login")
MFA_AUTH = reverse("mfa_authenticate")
NEW_PASSWORD = "Zupelnie-Nowe-Haslo-91"


@pytest.fixture
def boss(db):
    return StaffFactory(
        username="kierownik", is_superuser=True, email="kierownik@zbm.example.pl"
    )


@pytest.fixture
def clerk_client(client, staff):
    client.force_login(staff)  # password and code: a clerk fully logged in
    return client


def activation_path(message):
    return re.search(r"https?://[^/\s]+(/aktywacja/\S+/)", message.body).group(1)


@pytest.fixture(autouse=True)
def _mail_sent_here(eager_tasks):
    """The e-mails these tests read are sent in the test, as `make run` sends them."""


def issue_by_email(person, by, capture):
    with capture(execute=True):
        services.credentials_issue(user=person, method="email", document_type="id_card", clerk=by)
    return activation_path(mail.outbox[-1])


# -- finding 1: no way around two-factor login --------------------------------------------------


def test_clerk_cannot_issue_credentials_for_the_superuser_nor_change_its_e_mail(
    clerk_client, boss
):
    url = reverse("admin:accounts_user_issue_credentials", args=[boss.pk])
    attack = {
        "document_type": "id_card",
        "method": "email",
        "email": "clerk-own@example.pl",
        "confirm_email_change": "on",
    }
    assert clerk_client.get(url).status_code == 403
    assert clerk_client.post(url, attack).status_code == 403
    boss.refresh_from_db()
    assert boss.email == "kierownik@zbm.example.pl"
    assert not CredentialIssue.objects.filter(user=boss).exists()
    assert mail.outbox == []


def test_the_service_refuses_a_clerk_too(staff, boss):
    with pytest.raises(services.StaffOnlyBySuperuser):
        services.credentials_issue(user=boss, method="letter", document_type="id_card", clerk=staff)
    assert not CredentialIssue.objects.filter(user=boss).exists()


def test_an_activation_link_of_staff_with_totp_still_asks_for_the_code(
    client, boss, django_capture_on_commit_callbacks
):
    clerk = StaffFactory(username="bok2", email="bok2@zbm.example.pl")  # has an authenticator
    path = issue_by_email(clerk, boss, django_capture_on_commit_callbacks)
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # The password is set, but the session opens only after the code from the app.
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_AUTH)
    assert "_auth_user_id" not in client.session
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    admin = client.get(ADMIN)
    assert admin.status_code == 302
    assert admin["Location"].startswith(reverse("admin:login"))


def test_an_activation_link_of_a_resident_without_an_app_logs_in(
    client, owner, staff, django_capture_on_commit_callbacks
):
    path = issue_by_email(owner, staff, django_capture_on_commit_callbacks)
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_a_one_time_password_letter_of_staff_with_totp_asks_for_the_code(client, boss):
    clerk = StaffFactory(username="bok3")
    _issue, password = services.credentials_issue(
        user=clerk, method="letter", document_type="id_card", clerk=boss
    )
    response = client.post(LOGIN, {"login": "bok3", "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_AUTH)
    assert "_auth_user_id" not in client.session


def test_a_staff_session_without_the_second_factor_is_logged_out_of_the_admin(client, boss):
    client.force_login(boss, mfa=False)  # e.g. a session opened by a link, before this fix
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    # With the code the same admin opens.
    client.force_login(boss)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_a_password_reset_logs_nobody_in_and_the_next_login_asks_for_the_code(client, boss):
    EmailAddress.objects.create(user=boss, email=boss.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": boss.email})
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0]
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session
    response = client.post(LOGIN, {"login": boss.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_AUTH)
    assert "_auth_user_id" not in client.session


def test_a_password_reset_link_lasts_an_hour(client, owner, settings, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+)", mail.outbox[0].body)
    real_now = PasswordResetTokenGenerator._now
    # 61 minutes later (the token generator's own clock).
    monkeypatch.setattr(
        PasswordResetTokenGenerator, "_now", lambda self: real_now(self) + timedelta(minutes=61)
    )
    page = client.get(link.group(1), follow=True)
    assert page.context["token_fail"]


# -- finding 2: clerks edit staff ---------------------------------------------------------------


def test_a_clerk_cannot_change_the_superuser_in_the_admin(clerk_client, boss):
    change = reverse("admin:accounts_user_change", args=[boss.pk])
    page = clerk_client.get(change)
    assert page.status_code == 200  # may look, read-only
    assert not page.context["has_change_permission"]
    assert "issue-credentials" not in page.content.decode()
    clerk_client.post(
        change,
        {"username": "przejety", "email": "clerk-own@example.pl", "is_active": "", "password": ""},
    )
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    assert clerk_client.get(password).status_code == 403
    response = clerk_client.post(
        password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 403
    delete = reverse("admin:accounts_user_delete", args=[boss.pk])
    assert clerk_client.post(delete, {"post": "yes"}).status_code == 403
    boss.refresh_from_db()
    assert (boss.username, boss.email, boss.is_active) == (
        "kierownik", "kierownik@zbm.example.pl", True,
    )
    assert boss.check_password(PASSWORD)


def test_a_clerk_cannot_change_another_clerk_either(clerk_client):
    other = StaffFactory(username="bok9", email="bok9@zbm.example.pl")
    password = reverse("admin:auth_user_password_change", args=[other.pk])
    assert clerk_client.get(password).status_code == 403
    url = reverse("admin:accounts_user_issue_credentials", args=[other.pk])
    assert clerk_client.get(url).status_code == 403


def test_a_superuser_changes_staff_and_the_old_address_is_told(client, boss):
    clerk = StaffFactory(username="bok4", email="bok4@zbm.example.pl", first_name="Anna")
    client.force_login(boss)
    change = reverse("admin:accounts_user_change", args=[clerk.pk])
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "email": "anna.nowa@zbm.example.pl",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
        }
    )
    for prefix in ("account_accesses", "identity_checks", "credential_issues"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.email == "anna.nowa@zbm.example.pl"
    notice = SecurityNotice.objects.get(user=clerk)
    assert (notice.kind, notice.to_email) == ("email_changed", "bok4@zbm.example.pl")
    event = AuditEvent.objects.filter(action="change", object_id=str(clerk.pk)).latest("at")
    assert event.old.get("email") == "bok4@zbm.example.pl"


def test_issuing_credentials_with_another_address_needs_the_clerks_tick(clerk_client, owner):
    url = reverse("admin:accounts_user_issue_credentials", args=[owner.pk])
    data = {"document_type": "id_card", "method": "email", "email": "inny@example.pl"}
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_email_change"]
    owner.refresh_from_db()
    assert owner.email == "owner@example.pl"
    assert not CredentialIssue.objects.exists()
    assert not SecurityNotice.objects.exists()


# -- finding 3: e-mail and password changes need the password and tell the old address ----------


def test_allauths_e_mail_page_adds_no_address_on_a_session_alone(owner_client, owner):
    url = reverse("account_email")
    response = owner_client.post(url, {"action_add": "", "email": "intruz@example.pl"})
    assert response.status_code in (301, 302)
    assert response["Location"] == reverse("profile")
    assert not EmailAddress.objects.filter(email="intruz@example.pl").exists()
    owner.refresh_from_db()
    assert owner.email == "owner@example.pl"


@pytest.mark.parametrize("password", ["", "zgadywane-haslo"])
def test_an_e_mail_change_needs_the_current_password(owner_client, owner, password):
    response = owner_client.post(
        reverse("profile_email"), {"email": "intruz@example.pl", "password": password}
    )
    assert response.status_code == 400
    assert response.context["email_form"].errors["password"]
    assert not EmailChange.objects.exists()
    assert not SecurityNotice.objects.exists()


def test_an_e_mail_change_is_told_to_the_old_address_and_recorded(
    owner_client, owner, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("profile_email"), {"email": "nowy@example.pl", "password": PASSWORD}
        )
    assert response.status_code == 302
    # The link to the new address and, at once, a notice to the old one.
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"nowy@example.pl", "owner@example.pl"}
    warning = by_address["owner@example.pl"]
    assert "nowy@example.pl" in warning.body
    assert "BOK" in warning.body
    requested = AuditEvent.objects.get(action="add", object_type="accounts.emailchange")
    assert requested.actor == owner
    assert requested.new["new_email"] == "nowy@example.pl"

    link = re.search(r"https?://[^/\s]+(/profil/email/potwierdz/\S+/)", by_address[
        "nowy@example.pl"].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(link).status_code == 200
    owner.refresh_from_db()
    assert owner.email == "nowy@example.pl"
    changed = SecurityNotice.objects.get(kind="email_changed")
    assert changed.to_email == "owner@example.pl"
    assert changed.email_status == "sent"
    assert mail.outbox[-1].to == ["owner@example.pl"]
    event = AuditEvent.objects.get(action="change", object_type="accounts.user")
    assert (event.old, event.new) == ({"email": "owner@example.pl"}, {"email": "nowy@example.pl"})


def test_e_mail_change_requests_are_rate_limited(owner_client, owner):
    codes = [
        owner_client.post(
            reverse("profile_email"), {"email": f"adres{i}@example.pl", "password": PASSWORD}
        ).status_code
        for i in range(15)
    ]
    assert codes[:3] == [302, 302, 302]
    assert set(codes[3:]) == {429}
    assert EmailChange.objects.count() == 3


def test_a_password_change_is_told_and_recorded(
    owner_client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    notice = SecurityNotice.objects.get(user=owner)
    assert (notice.kind, notice.to_email, notice.email_status) == (
        "password_changed", "owner@example.pl", "sent",
    )
    assert mail.outbox[-1].to == ["owner@example.pl"]
    assert AuditEvent.objects.filter(
        action="change", object_type="accounts.user", actor=owner, resident=owner
    ).exists()


def test_a_notice_says_what_changed_in_polish(owner):
    notice = services.security_notice_queue(
        user=owner, kind="email_changed", to_email="owner@example.pl", new_email="nowy@example.pl"
    )
    assert security_notice_send(notice.pk) == "sent"
    assert security_notice_send(notice.pk) == "skipped"  # run twice, sent once
    message = mail.outbox[-1]
    assert message.subject == "Zmieniono adres e-mail w e-BOK"
    assert "nowy@example.pl" in message.body
    assert "zadzwoń do BOK" in message.body


# -- finding 9: sessions ------------------------------------------------------------------------


def test_a_session_ends_twelve_hours_after_login_however_active(owner_client, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert owner_client.get(reverse("dashboard")).status_code == 200
    session = owner_client.session
    session["_logged_in_at"] = int(time.time()) - 12 * 3600 - 1
    session.save()
    response = owner_client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in owner_client.session


def test_a_new_login_starts_a_new_twelve_hours(client, owner):
    client.post(LOGIN, {"login": owner.username, "password": PASSWORD})
    started = client.session["_logged_in_at"]
    assert abs(started - time.time()) < 60


@pytest.mark.parametrize("method", ["put", "delete", "patch", "trace"])
def test_pages_answer_405_to_other_methods(owner_client, method):
    for url in (reverse("dashboard"), reverse("profile"), LOGIN):
        response = getattr(owner_client, method)(url)
        assert response.status_code == 405
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_deleted_user_rows_stay_untouched_by_a_405(owner_client, owner):
    owner_client.delete(reverse("profile"))
    assert User.objects.filter(pk=owner.pk, is_active=True).exists()


def test_production_cookies_carry_the_host_prefix():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    shown = subprocess.run(
        [
            sys.executable, "manage.py", "shell", "-v", "0", "-c",
            "from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME, "
            "s.SESSION_COOKIE_SECURE, s.PASSWORD_RESET_TIMEOUT)",
        ],
        cwd=django_settings.BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin", "DEBUG": "false", "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "ebok.example.pl", "TRUSTED_PROXY_COUNT": "1",
        },
        capture_output=True, text=True, timeout=120,
    )
    assert shown.stdout.split() == [
        "__Host-sessionid", "__Host-csrftoken", "__Host-language", "True", "3600",
    ], shown.stderr


def test_a_proxy_without_the_trusted_proxy_setting_is_logged_once(client, caplog, settings):
    from ebok.middleware import UntrustedProxyWarningMiddleware

    UntrustedProxyWarningMiddleware.warned = False
    for _ in range(3):
        client.get(LOGIN, HTTP_X_FORWARDED_FOR="203.0.113.7")
    warnings = [r for r in caplog.records if "TRUSTED_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelname == "ERROR"

"""Two-factor login: required for staff before the staff panel opens, optional for residents,
with recovery codes that work once."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import PASSWORD, TOTP_SECRET, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
ADMIN = reverse("admin:index")
MFA_AUTH = reverse("mfa_authenticate")
ACTIVATE = reverse("mfa_activate_totp")


def totp_now(secret, step=0):
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def admin_login(client, username):
    """The admin's own login page sends to allauth's; log in there with the password."""
    response = client.get(ADMIN)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.request["PATH_INFO"] == LOGIN
    return client.post(f"{LOGIN}?next={ADMIN}", {"login": username, "password": PASSWORD})


def reauthenticate(client):
    # allauth asks for the password again before the second factor is changed.
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_staff_without_totp_is_sent_to_set_it_up_before_the_admin_opens(client):
    StaffFactory(username="nowy", totp=False, is_superuser=True)
    response = admin_login(client, "nowy")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    # Logged in, but neither the admin index nor any admin page opens.
    for url in (ADMIN, reverse("admin:accounts_account_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == ACTIVATE
    # The password typed a moment ago is not asked for again: the setup opens at once.
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content  # the QR code to scan


def test_a_clerk_with_a_one_time_password_sets_their_own_then_the_authenticator(client):
    StaffFactory(username="nowy", totp=False, must_change_password=True)
    admin_login(client, "nowy")
    new = "Moje-Nowe-Haslo-2026"
    response = client.post(
        reverse("first_password"), {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == ADMIN  # on to the panel, not the residents' dashboard
    assert client.get(ADMIN)["Location"] == ACTIVATE
    page = client.get(ACTIVATE)  # no third password: the setup opens at once
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content


def test_staff_is_asked_for_the_password_again_when_the_login_is_old(client, settings):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the login is older than the limit
    StaffFactory(username="nowy", totp=False, is_superuser=True)
    admin_login(client, "nowy")
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_resident_changing_the_second_factor_types_the_password_again(client, owner):
    client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


# Real commits: allauth announces the new authenticator after commit, within the request, and
# that counts as the session's second factor.
@pytest.mark.django_db(transaction=True)
def test_staff_sets_up_totp_then_the_admin_opens(client):
    clerk = StaffFactory(username="nowy", totp=False)
    admin_login(client, "nowy")
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=clerk, type="totp").exists()
    assert Authenticator.objects.filter(user=clerk, type="recovery_codes").exists()
    assert client.get(ADMIN).status_code == 200


def test_staff_with_totp_logs_in_with_the_code(client):
    StaffFactory(username="bok")
    response = admin_login(client, "bok")
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_AUTH)
    assert "_auth_user_id" not in client.session  # the password alone logs nobody in
    assert client.get(ADMIN).status_code == 302

    wrong = client.post(MFA_AUTH, {"code": "000000" if totp_now(TOTP_SECRET) != "000000" else "1"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert AuditEvent.objects.filter(action="mfa_failed", actor_label="bok").exists()

    response = client.post(MFA_AUTH, {"code": totp_now(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_a_totp_code_works_only_once(client):
    StaffFactory(username="bok")
    code = totp_now(TOTP_SECRET)
    admin_login(client, "bok")
    assert client.post(MFA_AUTH, {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    admin_login(client, "bok")
    replay = client.post(MFA_AUTH, {"code": code})
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client):
    clerk = StaffFactory(username="bok")
    codes = RecoveryCodes.activate(clerk).get_unused_codes()
    admin_login(client, "bok")
    assert client.post(MFA_AUTH, {"code": codes[0]}).status_code == 302
    assert client.get(ADMIN).status_code == 200

    client.post(reverse("account_logout"))
    cache.clear()  # not the TOTP replay guard: the code itself must be spent
    admin_login(client, "bok")
    again = client.post(MFA_AUTH, {"code": codes[0]})
    assert again.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(MFA_AUTH, {"code": codes[1]}).status_code == 302


def test_resident_may_enable_and_disable_totp(client, owner):
    response = client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert response.status_code == 302
    # Residents are not forced: the dashboard opens without a second factor.
    assert client.get(reverse("dashboard")).status_code == 200
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert reverse("mfa_index").encode() in client.get(reverse("dashboard")).content  # in the menu

    reauthenticate(client)
    secret = client.get(ACTIVATE).context["form"].secret
    bad = client.post(ACTIVATE, {"code": "12x456"})
    assert bad.status_code == 200
    assert bad.context["form"].errors
    assert not Authenticator.objects.filter(user=owner).exists()
    assert client.post(ACTIVATE, {"code": totp_now(secret)}).status_code == 302
    assert Authenticator.objects.filter(user=owner, type="totp").exists()

    # From now on the password alone is not enough.
    client.post(reverse("account_logout"))
    response = client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert response["Location"].startswith(MFA_AUTH)
    assert client.post(MFA_AUTH, {"code": totp_now(secret, step=1)}).status_code == 302

    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=owner, type="totp").exists()
    client.post(reverse("account_logout"))
    response = client.post(LOGIN, {"login": "owner", "password": PASSWORD})
    assert response["Location"] == reverse("dashboard")

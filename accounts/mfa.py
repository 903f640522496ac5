"""Two-factor login (allauth.mfa): optional for residents, required for staff."""

import segno
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        # segno is already pinned for transfer QR codes; no second QR library.
        return segno.make(url, error="m").svg_inline(scale=4, border=4)


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request, user) -> bool:
    """Whether this session's login included a second factor: allauth records each method
    used (password, mfa) in the session, for this user only."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


@receiver(authenticator_added, dispatch_uid="accounts_totp_added_counts_as_mfa")
def _totp_added(sender, request, user, authenticator, **kwargs):
    # Setting up the app takes the password again and a valid code from the app: the session
    # has shown both factors.
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", type="totp", id=authenticator.pk)


@receiver(user_logged_in, dispatch_uid="accounts_staff_setup_after_password_login")
def _password_login_opens_the_setup(sender, request, user, **kwargs):
    # Setting up the app asks for the password again unless it was typed lately; allauth
    # does not count the login itself. A staff member sent to the setup straight after
    # logging in with the password is not asked for it twice.
    if request is None or not user.is_staff or has_totp(user):
        return
    records = get_authentication_records(request, user)
    if records and records[-1].get("method") == "password":
        record_authentication(request, user, "password", reauthenticated=True)


class StaffMFARequiredMiddleware:
    """The staff panel opens only for staff whose session passed a second factor: one without
    an authenticator app is sent to set it up first; one whose session was opened another way
    (say, an activation link) is logged out and logs in again through the code."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        self.prefix = self.prefix or reverse("admin:index")
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(self.prefix)
        ):
            if not has_totp(user):
                messages.warning(
                    request,
                    _("Staff must use two-factor login. Set up an authenticator app to continue."),
                )
                return redirect("mfa_activate_totp")
            if not session_passed_mfa(request, user):
                logout(request)
                messages.warning(
                    request,
                    _("The staff panel needs two-factor login. Log in with your password and "
                      "the code from your authenticator app."),
                )
                login_url = reverse("account_login")
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

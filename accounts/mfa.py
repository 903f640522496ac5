"""Two-factor login (allauth.mfa): optional for residents, required for staff."""

import segno
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url):
        # segno is already pinned for transfer QR codes; no second QR library.
        return segno.make(url, error="m").svg_inline(scale=4, border=4)


def has_totp(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFARequiredMiddleware:
    """The staff panel opens only for staff who log in with a second factor: one without an
    authenticator app is sent to set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not has_totp(user)
        ):
            messages.warning(
                request,
                _("Staff must use two-factor login. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

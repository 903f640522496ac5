from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.mfa import has_totp
from audit.services import Action, audit_record


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Logins are issued by BOK after an ID check, never made by visitors.
        return False

    def get_login_redirect_url(self, request):
        # Staff without a second factor set it up first (the staff panel requires it).
        user = request.user
        if user.is_staff and not user.must_change_password and not has_totp(user):
            return reverse("mfa_activate_totp")
        return super().get_login_redirect_url(request)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:  # too many failed logins: the lock-out goes in the audit log
            audit_record(
                action=Action.LOGIN_LOCKED,
                request=request,
                actor_label=str(credentials.get("username") or ""),
            )
            raise

    # -- allauth's e-mails: signed by the manager, links to the configured site address --------

    def send_mail(self, template_prefix, email, context):
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        signed = {
            "manager_name": settings.MANAGER_NAME,
            "manager_address": settings.MANAGER_ADDRESS,
            "manager_phone": settings.MANAGER_PHONE,
            "site_url": settings.SITE_URL,
            "reset_link_valid_for": ngettext(
                "%(count)d minute", "%(count)d minutes", minutes
            ) % {"count": minutes},
        }
        super().send_mail(template_prefix, email, {**signed, **context})

    def format_email_subject(self, subject):
        return f"{subject} — {settings.MANAGER_NAME}"

    def get_reset_password_from_key_url(self, key):
        # The request's host may be an internal name behind the proxy; the site's is the one
        # residents know.
        parts = urlsplit(super().get_reset_password_from_key_url(key))
        return settings.SITE_URL + parts.path

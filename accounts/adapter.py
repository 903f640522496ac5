from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.urls import reverse

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

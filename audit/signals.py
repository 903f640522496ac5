"""Every login, failed login and wrong second-factor code is recorded."""

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import Action, audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    login = credentials.get("username") or credentials.get("email") or ""
    audit_record(action=Action.LOGIN_FAILED, request=request, actor_label=str(login))


@receiver(authentication_failed, dispatch_uid="audit_mfa_failed")
def on_mfa_failed(sender, request, user, **kwargs):
    audit_record(action=Action.MFA_FAILED, request=request, actor=user, obj=user)

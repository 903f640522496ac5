"""The e-mails of accounts, each composed and sent from its outbox row's id (core.outbox; the
tasks in accounts/tasks.py send each once): the activation link of new credentials, the link
that confirms an e-mail address, and the notice of a change of a login."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import CredentialIssue, EmailChange, SecurityNotice
from .profile import email_change_url
from .services import activation_url


def activation_email_send(issue_id: int) -> None:
    issue = CredentialIssue.objects.select_related("user").get(pk=issue_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": issue.user,
            "url": activation_url(issue),
            "expires_at": issue.expires_at,
            "manager_name": settings.MANAGER_NAME,
        }
        subject = render_to_string("accounts/email/activation_subject.txt", context).strip()
        body = render_to_string("accounts/email/activation_body.txt", context)
    send_mail(subject, body, None, [issue.user.email])


def email_change_link_send(change_id: int) -> None:
    """The confirmation link to the new address."""
    change = EmailChange.objects.select_related("user").get(pk=change_id)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "accounts/email/email_change.txt",
            {
                "user": change.user,
                "url": email_change_url(change),
                "hours": settings.EMAIL_CHANGE_LINK_HOURS,
                "manager_name": settings.MANAGER_NAME,
                "confirm_current": change.old_email == change.new_email,
            },
        )
        subject = render_to_string(
            "accounts/email/email_change_subject.txt",
            {"confirm_current": change.old_email == change.new_email},
        ).strip()
    send_mail(subject, body, None, [change.new_email])


def security_notice_send(notice_id: int) -> None:
    """A change of a login told to the address in force before it."""
    notice = SecurityNotice.objects.select_related("user").get(pk=notice_id)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "notice": notice,
            "user": notice.user,
            "manager_name": settings.MANAGER_NAME,
            "manager_phone": settings.MANAGER_PHONE,
            "manager_email": settings.MANAGER_EMAIL,
        }
        subject = render_to_string("accounts/email/security_subject.txt", context).strip()
        body = render_to_string("accounts/email/security_body.txt", context)
    send_mail(subject, body, None, [notice.to_email])

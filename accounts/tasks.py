import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from core import outbox

from .models import CredentialIssue, EmailChange, SecurityNotice
from .profile import email_change_url
from .services import activation_url

log = logging.getLogger(__name__)


@shared_task(**outbox.MAIL_TASK, name="accounts.activation_email_send")
def send_activation_email(self, issue_id):
    def send():
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

    return outbox.deliver(self, CredentialIssue, issue_id, send)


@shared_task(name="accounts.activation_emails_sweep")
def sweep_unsent_activation_emails():
    ids = outbox.overdue_ids(CredentialIssue, "issued_at")
    for pk in ids:
        send_activation_email.delay(pk)
    return len(ids)


@shared_task(**outbox.MAIL_TASK, name="accounts.email_change_link_send")
def send_email_change_link(self, change_id):
    """The confirmation link to the new address; run twice, it sends once."""

    def send():
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

    return outbox.deliver(self, EmailChange, change_id, send)


@shared_task(name="accounts.email_change_links_sweep")
def sweep_unsent_email_change_links():
    ids = outbox.overdue_ids(EmailChange, "requested_at")
    for pk in ids:
        send_email_change_link.delay(pk)
    return len(ids)


@shared_task(**outbox.MAIL_TASK, name="accounts.security_notice_send")
def send_security_notice(self, notice_id):
    """A change of a login told to the address in force before it; run twice, it sends once."""

    def send():
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

    return outbox.deliver(self, SecurityNotice, notice_id, send)


@shared_task(name="accounts.security_notices_sweep")
def sweep_unsent_security_notices():
    ids = outbox.overdue_ids(SecurityNotice, "created_at")
    for pk in ids:
        send_security_notice.delay(pk)
    return len(ids)

"""Celery tasks of accounts: the outbox e-mails of accounts/mails.py, each with its sweeper."""

from core import outbox

from . import mails
from .models import CredentialIssue, EmailChange, SecurityNotice

activation_email_send, activation_emails_sweep = outbox.mail_tasks(
    "accounts.activation_email_send",
    "accounts.activation_emails_sweep",
    model=CredentialIssue,
    created_field="issued_at",
    send=mails.activation_email_send,
)
email_change_link_send, email_change_links_sweep = outbox.mail_tasks(
    "accounts.email_change_link_send",
    "accounts.email_change_links_sweep",
    model=EmailChange,
    created_field="requested_at",
    send=mails.email_change_link_send,
)
security_notice_send, security_notices_sweep = outbox.mail_tasks(
    "accounts.security_notice_send",
    "accounts.security_notices_sweep",
    model=SecurityNotice,
    created_field="created_at",
    send=mails.security_notice_send,
)

"""Celery tasks of accessibility: the e-mails to requesters (accessibility/mails.py), sent once
from their outbox rows, with their sweeper; the yearly reminder to review the statement."""

from celery import shared_task
from django.utils import timezone

from core import outbox

from . import mails, services
from .models import RequestEmail

request_email_send, request_emails_sweep = outbox.mail_tasks(
    "accessibility.request_email_send",
    "accessibility.request_emails_sweep",
    model=RequestEmail,
    created_field="created_at",
    send=mails.request_email_send,
)


@shared_task(name="accessibility.statement_review_remind")
def statement_review_remind():
    """Beat, daily: once a year from 1 March, if the statement is not reviewed this year."""
    return services.review_reminder_send(today=timezone.localdate())

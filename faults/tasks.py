"""Celery tasks of faults: the duty e-mail of an urgent report (faults/mails.py), sent once
from its outbox row, and its sweeper."""

from core import outbox

from . import mails
from .models import FaultReport

duty_email_send, duty_emails_sweep = outbox.mail_tasks(
    "faults.duty_email_send",
    "faults.duty_emails_sweep",
    model=FaultReport,
    created_field="created_at",
    send=mails.duty_email_send,
    retry_backoff_max=300,
)


from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from core import outbox

from . import services
from .models import RequestEmail


@shared_task(**outbox.MAIL_TASK, name="accessibility.request_email_send")
def send_request_email(self, email_id):
    """Send one e-mail to a requester; run twice, it sends once."""

    def send():
        email = RequestEmail.objects.select_related("request").get(pk=email_id)
        send_mail(email.subject, email.body, None, [email.request.email])

    return outbox.deliver(self, RequestEmail, email_id, send)


@shared_task(name="accessibility.request_emails_sweep")
def sweep_request_emails():
    ids = outbox.overdue_ids(RequestEmail, "created_at")
    for pk in ids:
        send_request_email.delay(pk)
    return len(ids)


@shared_task(name="accessibility.statement_review_remind")
def remind_statement_review():
    """Beat, daily: once a year from 1 March, if the statement is not reviewed this year."""
    return services.review_reminder_send(today=timezone.localdate())

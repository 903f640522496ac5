import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts import outbox

from .models import Notification


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_notification_email(self, notification_id):
    """Send one notification's e-mail; run twice, it sends once."""
    if not outbox.claim(Notification, notification_id):
        return "skipped"
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "messaging/email/notification.txt",
                {
                    "notification": notification,
                    "url": settings.SITE_URL + (notification.link or "/"),
                    "manager_name": settings.MANAGER_NAME,
                },
            )
        send_mail(notification.subject, body, None, [notification.user.email])
    except Exception:
        final = self.request.retries >= self.max_retries
        outbox.finish(Notification, notification_id, outbox.FAILED if final else outbox.PENDING)
        raise
    outbox.finish(Notification, notification_id, outbox.SENT)
    return "sent"


@shared_task
def sweep_unsent_emails():
    ids = outbox.overdue_ids(Notification, "created_at")
    for pk in ids:
        send_notification_email.delay(pk)
    return len(ids)

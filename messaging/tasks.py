
from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core import outbox
from core.text import one_line

from . import services
from .models import Notice, NoticeDelivery, Notification


@shared_task(**outbox.MAIL_TASK, name="messaging.notification_email_send")
def send_notification_email(self, notification_id):
    """Send one notification's e-mail; run twice, it sends once."""

    def send():
        notification = Notification.objects.select_related("user").get(pk=notification_id)
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

    return outbox.deliver(self, Notification, notification_id, send)


@shared_task(name="messaging.notification_emails_sweep")
def sweep_unsent_emails():
    ids = outbox.overdue_ids(Notification, "created_at")
    for pk in ids:
        send_notification_email.delay(pk)
    return len(ids)


# -- notices ---------------------------------------------------------------------------------

TRANSIENT = outbox.TRANSIENT


@shared_task(name="messaging.notice_deliver")
def deliver_notice(notice_id):
    """Deliver a due notice to its audience (one set-based INSERT); safe to run twice."""
    return services.notice_deliver(notice_id=notice_id)


@shared_task(name="messaging.notice_emails_enqueue")
def enqueue_notice_emails(notice_id):
    """Split a notice's waiting e-mails into batches, one task each."""
    batches = services.pending_delivery_batches(notice_id)
    for ids in batches:
        send_notice_emails.delay(ids)
    return len(batches)


def notice_email_body(notice):
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "messaging/email/notice.txt",
            {
                "notice": notice,
                "url": settings.SITE_URL + reverse("messaging:notice_detail", args=[notice.pk]),
                "settings_url": settings.SITE_URL + reverse("messaging:preferences"),
                "manager_name": settings.MANAGER_NAME,
            },
        )


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    name="messaging.notice_emails_send",
)
def send_notice_emails(self, delivery_ids):
    """Send one batch of notice e-mails over one connection; each row is claimed first, so a
    redelivered or repeated task sends nothing twice."""
    claimed = services.notice_emails_claim(delivery_ids)
    if not claimed:
        return 0
    rows = list(
        NoticeDelivery.objects.filter(pk__in=claimed)
        .select_related("user")
        .order_by("notice_id", "pk")
    )
    bodies = {}
    sent = []
    try:
        with get_connection() as connection:
            for row in rows:
                if row.notice_id not in bodies:
                    notice = Notice.objects.get(pk=row.notice_id)
                    bodies[row.notice_id] = (one_line(notice.title), notice_email_body(notice))
                subject, body = bodies[row.notice_id]
                EmailMessage(subject, body, to=[row.user.email], connection=connection).send()
                sent.append(row.pk)
    except Exception as error:
        services.notice_emails_finish(sent, outbox.SENT)
        permanent = outbox.is_permanent(error)
        final = permanent or self.request.retries >= self.max_retries
        rest = [pk for pk in claimed if pk not in set(sent)]
        services.notice_emails_finish(rest, outbox.FAILED if final else outbox.PENDING)
        if permanent:
            return len(sent)
        raise
    services.notice_emails_finish(sent, outbox.SENT)
    return len(sent)


@shared_task(name="messaging.notices_sweep")
def sweep_notices():
    """Beat: deliver scheduled notices that are due; release and re-queue stuck e-mails."""
    due = services.notices_publish_due()
    for notice_id in due:
        deliver_notice.delay(notice_id)
    ids = outbox.overdue_ids(NoticeDelivery, "created_at")
    size = settings.MESSAGING_EMAIL_BATCH
    for start in range(0, len(ids), size):
        send_notice_emails.delay(ids[start : start + size])
    return {"notices": len(due), "emails": len(ids)}

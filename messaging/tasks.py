"""Celery tasks of messaging: a notification's e-mail (sent once from its outbox row, with its
sweeper); a notice delivered to its audience and its e-mails sent in batches over one
connection; the sweeper that publishes due notices and queues stuck notice e-mails again."""

from celery import shared_task
from django.conf import settings

from core import outbox

from . import mails, services
from .models import NoticeDelivery, Notification

notification_email_send, notification_emails_sweep = outbox.mail_tasks(
    "messaging.notification_email_send",
    "messaging.notification_emails_sweep",
    model=Notification,
    created_field="created_at",
    send=mails.notification_email_send,
)


@shared_task(name="messaging.notice_deliver")
def notice_deliver(notice_id):
    """Deliver a due notice to its audience (one set-based INSERT); safe to run twice."""
    return services.notice_deliver(notice_id=notice_id)


@shared_task(name="messaging.notice_emails_enqueue")
def notice_emails_enqueue(notice_id):
    """Split a notice's waiting e-mails into batches, one task each."""
    batches = services.pending_delivery_batches(notice_id)
    for ids in batches:
        notice_emails_send.delay(ids)
    return len(batches)


@shared_task(**outbox.MAIL_TASK, name="messaging.notice_emails_send")
def notice_emails_send(self, delivery_ids):
    """Send one batch of notice e-mails over one connection; each row is claimed first, so a
    redelivered or repeated task sends nothing twice."""
    claimed = services.notice_emails_claim(delivery_ids)
    return outbox.deliver_batch(
        self, claimed, mails.notice_emails_send, services.notice_emails_finish
    )


@shared_task(name="messaging.notices_sweep")
def notices_sweep():
    """Beat: deliver scheduled notices that are due; release and re-queue stuck e-mails."""
    due = services.notices_publish_due()
    for notice_id in due:
        notice_deliver.delay(notice_id)
    ids = outbox.overdue_ids(NoticeDelivery, "created_at")
    size = settings.MESSAGING_EMAIL_BATCH
    for start in range(0, len(ids), size):
        notice_emails_send.delay(ids[start : start + size])
    return {"notices": len(due), "emails": len(ids)}

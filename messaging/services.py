from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(user, subject, body, link=None):
    """Tell a user something: an in-app notification now and an e-mail after commit.

    Safe inside a caller's transaction: if it rolls back, neither exists.
    """
    from .tasks import send_notification_email

    status = Notification.EmailStatus.PENDING if user.email else Notification.EmailStatus.SKIPPED
    with transaction.atomic():
        notification = Notification.objects.create(
            user=user, subject=subject[:200], body=body, link=link or "", email_status=status
        )
        if status == Notification.EmailStatus.PENDING:
            transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_mark_read(*, user, notification_id) -> int:
    with transaction.atomic(durable=True):
        return Notification.objects.filter(
            user=user, pk=notification_id, read_at__isnull=True
        ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user) -> int:
    with transaction.atomic(durable=True):
        return Notification.objects.filter(user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )

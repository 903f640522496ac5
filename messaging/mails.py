"""The e-mails of messaging, composed and sent from their outbox rows' ids (core.outbox;
messaging/tasks.py sends each once): a notification's, and a notice's to each reader."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.text import one_line

from .models import Notice, NoticeDelivery, Notification


def notification_email_send(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    # No one's language is stored: the e-mail is in the site's, whatever the sender's.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "messaging/email/notification.txt",
            {
                "notification": notification,
                "url": settings.SITE_URL + (notification.link or "/"),
                "manager_name": settings.MANAGER_NAME,
            },
        )
        subject = notification.subject_text
    send_mail(subject, body, None, [notification.user.email])


def notice_email_body(notice: Notice) -> str:
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


def notice_emails_send(delivery_ids):
    """The e-mails of claimed deliveries, for core.outbox.deliver_batch: the rows are loaded
    now; the iterator returned sends them over one connection and yields each row's id once
    its e-mail is sent. Each notice is composed once."""
    rows = list(
        NoticeDelivery.objects.filter(pk__in=delivery_ids)
        .select_related("user")
        .order_by("notice_id", "pk")
    )
    return _notice_emails(rows)


def _notice_emails(rows):
    composed: dict[int, tuple[str, str]] = {}
    with get_connection() as connection:
        for row in rows:
            if row.notice_id not in composed:
                notice = Notice.objects.get(pk=row.notice_id)
                composed[row.notice_id] = (one_line(notice.title), notice_email_body(notice))
            subject, body = composed[row.notice_id]
            EmailMessage(subject, body, to=[row.user.email], connection=connection).send()
            yield row.pk

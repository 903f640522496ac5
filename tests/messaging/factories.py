"""Notices, deliveries and threads for tests."""

from django.core.files.base import ContentFile
from django.utils import timezone

from messaging.models import Notice, NoticeAttachment, NoticeDelivery, Thread, ThreadMessage
from tests.factories import StaffFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def notice(clerk=None, **fields):
    fields.setdefault("title", "Przegląd instalacji gazowej")
    fields.setdefault("body", "W przyszłym tygodniu odbędzie się przegląd.")
    return Notice.objects.create(created_by=clerk or StaffFactory(), **fields)


def delivered_notice(user, **fields):
    """A published notice with a delivery to `user` (as the delivery task leaves it)."""
    published = notice(status=Notice.Status.PUBLISHED, published_at=timezone.now(), **fields)
    NoticeDelivery.objects.create(notice=published, user=user, email_status="skipped")
    return published


def notice_attachment(of_notice, name="harmonogram.pdf"):
    attachment = NoticeAttachment(
        notice=of_notice, name=name, content_type="application/pdf"
    )
    attachment.file.save("attachment.pdf", ContentFile(PDF_BYTES), save=True)
    return attachment


def thread_of(user, subject="Pytanie o rozliczenie wody", **fields):
    account = user.account_accesses.first().account
    thread = Thread.objects.create(
        account=account, topic="meters", subject=subject, created_by=user, **fields
    )
    ThreadMessage.objects.create(thread=thread, author=user, text="Proszę o wyjaśnienie.")
    return thread


def message_with_attachment(thread):
    message = ThreadMessage(
        thread=thread,
        author=thread.created_by,
        text="W załączniku skan.",
        attachment_name="skan.pdf",
        attachment_type="application/pdf",
    )
    message.attachment.save("attachment.pdf", ContentFile(PDF_BYTES), save=True)
    return message

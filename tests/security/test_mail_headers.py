"""Finding 6 of the security audit: a message subject with CR/LF was accepted; the reply e-mail
then failed with a header error and was queued again every 5 minutes for ever. Now header-bound
fields refuse control characters next to the field, subjects are made one line before sending,
and a mail that cannot be sent for a permanent reason is failed at once, not retried."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail import BadHeaderError
from django.urls import reverse

from core import outbox
from faults.models import FaultReport
from messaging import notify
from messaging.models import Notice, Notification, Thread
from messaging.tasks import notification_email_send, notification_emails_sweep
from tests.messaging.factories import thread_of

pytestmark = pytest.mark.django_db

BROKEN = "Zwrot nadpłaty\r\nBcc: wszyscy@example.pl"


def test_a_subject_with_a_line_break_is_refused_next_to_the_field(owner_client, account):
    response = owner_client.post(
        reverse("messaging:thread_new"),
        {"account": account.pk, "topic": "payments", "subject": BROKEN, "text": "Proszę."},
    )
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["subject"]
    assert not Thread.objects.exists()


def test_a_fault_title_with_a_line_break_is_refused(owner_client, account):
    response = owner_client.post(
        reverse("faults:new"),
        {
            "account": account.pk,
            "place": "premises",
            "category": "water",
            "title": "Cieknie\nSubject: inny",
            "description": "Pod oknem kapie woda.",
            "contact_phone": "600 123 456",
        },
    )
    assert response.context["form"].errors["title"]
    assert not FaultReport.objects.exists()


def test_a_notice_title_with_a_line_break_is_refused_in_the_admin(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:messaging_notice_add"),
        {"title": "Przerwa\r\nw dostawie wody", "body": "Jutro.", "audience": "everyone"},
    )
    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert not Notice.objects.exists()


def test_an_old_subject_with_a_line_break_is_mailed_on_one_line(
    client, owner, staff, django_capture_on_commit_callbacks
):
    thread = thread_of(owner, subject=BROKEN)  # stored before the fix
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("admin:messaging_thread_reply", args=[thread.pk]), {"text": "Tak."})
    notification = Notification.objects.get(user=owner)
    assert "\r" not in notification.subject
    assert "\n" not in notification.subject
    assert notification_email_send.apply(args=[notification.pk]).get() == "sent"
    assert mail.outbox[-1].to == [owner.email]
    assert "Bcc" not in mail.outbox[-1].extra_headers
    assert mail.outbox[-1].bcc == []


@pytest.mark.parametrize(
    "error",
    [
        BadHeaderError("Header values can't contain newlines"),
        smtplib.SMTPRecipientsRefused({"owner@example.pl": (550, b"No such user")}),
        smtplib.SMTPDataError(554, b"Message rejected"),
    ],
)
def test_a_permanent_failure_is_failed_once_and_never_queued_again(owner, monkeypatch, error):
    with monkeypatch.context() as patch:
        notification = notify(owner, "Temat", "Treść")
        patch.setattr("messaging.mails.send_mail", _raise(error))
        assert notification_email_send.apply(args=[notification.pk]).get() == "failed"
    notification.refresh_from_db()
    assert notification.email_status == "failed"
    Notification.objects.filter(pk=notification.pk).update(created_at="2020-01-01T00:00Z")
    assert notification_emails_sweep() == 0  # the sweeper leaves it to staff


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPRecipientsRefused({"owner@example.pl": (451, b"Try later")}),
        ConnectionRefusedError(),
    ],
)
def test_a_transient_failure_waits_for_a_retry(owner, monkeypatch, error):
    notification = notify(owner, "Temat", "Treść")
    monkeypatch.setattr("messaging.mails.send_mail", _raise(error))
    assert outbox.is_permanent(error) is False
    with pytest.raises((Retry, type(error))):  # Celery's Retry or the error itself
        notification_email_send.apply(args=[notification.pk], throw=True)
    notification.refresh_from_db()
    assert notification.email_status == "pending"


def _raise(error):
    def send(*args, **kwargs):
        raise error

    return send

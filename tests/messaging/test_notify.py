"""messaging.notify(): the in-app notification and its e-mail, sent once after commit."""

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from django.urls import reverse

from messaging import notify
from messaging.models import Notification
from messaging.tasks import notification_email_send

pytestmark = pytest.mark.django_db


def test_notify_stores_and_mails_after_commit(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(owner, "Nowa wiadomość", "Treść", link="/powiadomienia/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert notification_email_send(notification.pk) == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert message.subject == "Nowa wiadomość"
    assert "Treść" in message.body
    assert "http://127.0.0.1:8000/powiadomienia/" in message.body
    notification.refresh_from_db()
    assert notification.email_status == "sent"
    assert notification.email_sent_at


def test_email_task_run_twice_sends_once(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        notification = notify(owner, "Temat", "Treść")
    notification_email_send(notification.pk)
    assert notification_email_send(notification.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_rolled_back_caller_leaves_nothing(owner, django_capture_on_commit_callbacks):
    def failing_caller():
        with transaction.atomic():
            notify(owner, "Temat", "Treść")
            raise RuntimeError("the caller failed")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError, match="the caller failed"):
            failing_caller()
    assert callbacks == []
    assert not Notification.objects.exists()


def test_user_without_email_gets_only_the_in_app_notice(owner, django_capture_on_commit_callbacks):
    owner.email = ""
    owner.save()
    with django_capture_on_commit_callbacks() as callbacks:
        notification = notify(owner, "Temat", "Treść")
    assert callbacks == []
    assert notification.email_status == "skipped"


def test_failed_send_goes_back_to_pending_for_a_retry(
    owner, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.messaging.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks():
        notification = notify(owner, "Temat", "Treść")
    with pytest.raises(Retry):  # autoretry with backoff
        notification_email_send.apply(args=[notification.pk], throw=True)
    notification.refresh_from_db()
    assert notification.email_status == "pending"
    assert notification.email_sent_at is None


def test_long_subject_is_cut_not_refused(owner):
    notification = notify(owner, "x" * 500, "Treść")
    assert len(notification.subject) == 200


def test_inbox_lists_own_notifications_and_marks_read(client, owner, stranger):
    mine = notify(owner, "Moja sprawa", "Treść")
    notify(stranger, "Cudza sprawa", "Treść")
    client.force_login(owner)
    page = client.get(reverse("messaging:notification_list")).content.decode()
    assert "Moja sprawa" in page
    assert "Cudza sprawa" not in page

    detail = client.get(reverse("messaging:notification_detail", args=[mine.pk]))
    assert "Treść" in detail.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read_touches_only_own(client, owner, stranger):
    notify(owner, "A", "a")
    notify(owner, "B", "b")
    theirs = notify(stranger, "C", "c")
    client.force_login(owner)
    response = client.post(reverse("messaging:read_all"), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:notification_list")
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("messaging:read_all")).status_code == 405


def test_notification_link_is_local_only(client, owner):
    notification = notify(owner, "Temat", "Treść", link="/konta/1/")
    client.force_login(owner)
    page = client.get(reverse("messaging:notification_detail", args=[notification.pk]))
    assert 'href="/konta/1/"' in page.content.decode()


def test_staff_see_deliveries_and_reads_per_resident(client, owner):
    from tests.factories import StaffFactory
    from tests.messaging.factories import delivered_notice

    notify(owner, "Nowe naliczenie", "…")
    notice = delivered_notice(owner)
    clerk = StaffFactory(is_superuser=True)
    client.force_login(clerk)
    page = client.get(reverse("admin:messaging_user_deliveries", args=[owner.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nowe naliczenie" in text
    assert notice.title in text
    user_page = client.get(reverse("admin:accounts_user_change", args=[owner.pk]))
    assert reverse("admin:messaging_user_deliveries", args=[owner.pk]) in user_page.content.decode()


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "Oznaczono 1 powiadomienie jako przeczytane."),
        (3, "Oznaczono 3 powiadomienia jako przeczytane."),
        (5, "Oznaczono 5 powiadomień jako przeczytane."),
        (0, "Nie było nieprzeczytanych powiadomień."),
    ],
)
def test_mark_all_read_says_how_many(client, owner, count, text):
    for n in range(count):
        notify(owner, f"Temat {n}", "Treść")
    client.force_login(owner)
    response = client.post(reverse("messaging:read_all"), follow=True)
    assert text in response.content.decode()

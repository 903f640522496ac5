"""Messages to BOK: a resident writes about an account, staff answer in admin, the resident is
notified; nobody else sees the thread."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging import services
from messaging.models import Notification, Thread, ThreadMessage
from tests.messaging.factories import PDF_BYTES, message_with_attachment, thread_of

pytestmark = pytest.mark.django_db


def start(client, account, **extra):
    data = {
        "account": account.pk,
        "topic": "payments",
        "subject": "Nadpłata za marzec",
        "text": "Proszę o zwrot nadpłaty.",
        **extra,
    }
    return client.post(reverse("messaging:thread_new"), data)


def test_resident_writes_to_bok_about_own_account(owner_client, owner, account):
    response = start(
        owner_client, account, attachment=SimpleUploadedFile("potwierdzenie.pdf", PDF_BYTES)
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:thread_detail", args=[thread.pk])
    assert (thread.account, thread.created_by, thread.status) == (account, owner, "open")
    message = thread.messages.get()
    assert message.text == "Proszę o zwrot nadpłaty."
    assert not message.from_staff
    assert message.attachment_name == "potwierdzenie.pdf"
    page = owner_client.get(reverse("messaging:thread_list")).content.decode()
    assert "Nadpłata za marzec" in page


def test_resident_cannot_write_about_someone_elses_account(owner_client, other_account):
    response = start(owner_client, other_account)
    assert response.status_code == 200
    assert not Thread.objects.exists()


def test_a_file_that_is_not_pdf_or_image_is_refused_and_nothing_stored(owner_client, account):
    response = start(owner_client, account, attachment=SimpleUploadedFile("a.txt", b"hello"))
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"]
    assert not Thread.objects.exists()
    assert not ThreadMessage.objects.exists()


def test_stranger_gets_404_and_co_holder_sees_the_thread(client, owner, co_holder, stranger):
    thread = thread_of(owner)
    url = reverse("messaging:thread_detail", args=[thread.pk])
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Wtrącam się"}).status_code == 404
    assert "Pytanie o rozliczenie" not in client.get(
        reverse("messaging:thread_list")
    ).content.decode()
    client.force_login(co_holder)
    assert client.get(url).status_code == 200


def test_reply_while_open_and_not_after_closing(owner_client, owner, staff):
    thread = thread_of(owner)
    url = reverse("messaging:thread_detail", args=[thread.pk])
    assert owner_client.post(url, {"text": "Uzupełniam"}).status_code == 302
    assert thread.messages.count() == 2
    services.thread_close(clerk=staff, thread_id=thread.pk)
    response = owner_client.post(url, {"text": "Jeszcze jedno"})
    assert response.status_code == 200
    assert thread.messages.count() == 2
    with pytest.raises(services.ThreadClosed):
        services.thread_reply(user=owner, thread_id=thread.pk, text="x")


def test_staff_reply_in_admin_notifies_the_resident(
    client, owner, staff, django_capture_on_commit_callbacks
):
    thread = thread_of(owner)
    client.force_login(staff)
    change = client.get(reverse("admin:messaging_thread_change", args=[thread.pk]))
    assert change.status_code == 200
    assert "Proszę o wyjaśnienie." in change.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("admin:messaging_thread_reply", args=[thread.pk]),
            {"text": "Nadpłata zostanie zwrócona.", "close": "on"},
        )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == "closed"
    assert not thread.awaiting_staff
    answer = thread.messages.last()
    assert answer.from_staff
    assert answer.author == staff
    notification = Notification.objects.get(user=owner)
    assert notification.link == reverse("messaging:thread_detail", args=[thread.pk])
    assert "Nadpłata zostanie zwrócona." in notification.body
    client.force_login(owner)
    page = client.get(reverse("messaging:thread_detail", args=[thread.pk])).content.decode()
    assert "Nadpłata zostanie zwrócona." in page


def test_empty_staff_reply_shows_an_error(client, owner, staff):
    thread = thread_of(owner)
    client.force_login(staff)
    response = client.post(reverse("admin:messaging_thread_reply", args=[thread.pk]), {})
    assert response.status_code == 200
    assert thread.messages.count() == 1


def test_thread_queue_filters_open_and_old(client, owner, staff):
    import datetime

    from django.utils import timezone

    old = thread_of(owner, subject="Stara sprawa")
    Thread.objects.filter(pk=old.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=10),
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    thread_of(owner, subject="Nowa sprawa")
    client.force_login(staff)
    url = reverse("admin:messaging_thread_changelist")
    page = client.get(url + "?status__exact=open&age=7").content.decode()
    assert "Stara sprawa" in page
    assert "Nowa sprawa" not in page
    assert "10" in page  # the age column


def test_message_attachment_is_scoped(client, owner, stranger, staff):
    message = message_with_attachment(thread_of(owner))
    url = reverse("messaging:message_attachment", args=[message.thread_id, message.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    admin_url = reverse("admin:messaging_thread_attachment", args=[message.thread_id, message.pk])
    assert client.get(admin_url).status_code == 200


def test_ended_access_hides_the_thread_its_attachments_and_new_answers(
    client, owner, co_holder, account, staff
):
    # The rule of fault reports: a thread is seen by whoever holds its account now, and one
    # whose access ended no longer reads it, even a thread they started.
    from accounts.services import account_access_end

    thread = thread_of(owner)
    message = message_with_attachment(thread)
    account_access_end(account=account)
    url = reverse("messaging:thread_detail", args=[thread.pk])
    attachment = reverse("messaging:message_attachment", args=[thread.pk, message.pk])
    for former in (owner, co_holder):
        client.force_login(former)
        assert client.get(url).status_code == 404
        assert client.get(attachment).status_code == 404
        assert "Pytanie o rozliczenie" not in client.get(
            reverse("messaging:thread_list")
        ).content.decode()
    with pytest.raises(services.NotAllowed):
        services.thread_reply(user=owner, thread_id=thread.pk, text="x")
    assert thread.messages.filter(author=owner, text="x").count() == 0
    # BOK's answer, which is e-mailed in full, reaches nobody who left the account.
    services.thread_staff_reply(clerk=staff, thread_id=thread.pk, text="Zwrot w piątek")
    assert not Notification.objects.filter(user=owner, body__contains="Zwrot w piątek").exists()


def test_a_long_thread_shows_its_newest_20_messages_and_a_link_to_older_ones(
    client, owner, django_assert_max_num_queries
):
    """25 messages: the newest 20 on the first page, oldest first, above the reply form; the
    first 5 a page back; the messages are read with a LIMIT, one page and one more."""
    thread = thread_of(owner)  # its first message: "Proszę o wyjaśnienie."
    start = thread.created_at
    for n in range(1, 25):
        ThreadMessage.objects.create(
            thread=thread, author=owner, text=f"Dopisek {n}", created_at=start + timedelta(hours=n)
        )
    client.force_login(owner)
    url = reverse("messaging:thread_detail", args=[thread.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as queries:
        response = client.get(url)
        read = [q["sql"] for q in queries if 'FROM "messaging_threadmessage"' in q["sql"]]
    assert [m.text for m in response.context["thread"].message_list] == [
        f"Dopisek {n}" for n in range(5, 25)
    ]
    page = response.content.decode()
    assert 'href="?page=2">Starsze</a>' in page
    assert page.index("Dopisek 24") < page.index('id="reply-title"')
    assert read
    assert all("LIMIT 21" in sql for sql in read), read
    older = client.get(url, {"page": 2})
    assert [m.text for m in older.context["thread"].message_list] == [
        "Proszę o wyjaśnienie.",
        *(f"Dopisek {n}" for n in range(1, 5)),
    ]
    assert 'href="?page=1">Nowsze</a>' in older.content.decode()


def test_the_thread_list_shows_25_a_page_reading_them_with_a_limit(
    client, owner, django_assert_max_num_queries
):
    for n in range(30):
        thread_of(owner, subject=f"Sprawa {n}")
    client.force_login(owner)
    url = reverse("messaging:thread_list")
    client.get(url)
    with django_assert_max_num_queries(8) as queries:
        response = client.get(url)
        read = [q["sql"] for q in queries if 'FROM "messaging_thread"' in q["sql"]]
    assert len(response.context["page"].object_list) == 25
    assert 'href="?page=2"' in response.content.decode()
    assert any("LIMIT 25" in sql for sql in read), read
    assert all("LIMIT" in sql or "COUNT(*)" in sql for sql in read), read

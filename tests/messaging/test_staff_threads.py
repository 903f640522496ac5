"""BOK writes first: to one resident or to everyone with access to an account; the thread and
its message are stored, the addressees notified, a stranger gets a 404; and BOK's reply on a
thread page is a form of its own, so nothing typed is lost to another button."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from messaging.models import Notification, Thread, ThreadMessage
from tests.messaging.factories import thread_of

pytestmark = pytest.mark.django_db

FORM = {"topic": "payments", "subject": "Zaległość za marzec", "text": "Prosimy o kontakt."}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def start_url(account, **params):
    query = "&".join(f"{k}={v}" for k, v in {"account": account.number, **params}.items())
    return reverse("admin:messaging_thread_add") + "?" + query


def test_clerk_writes_to_one_resident(staff_client, staff, owner, co_holder, account, client):
    response = staff_client.post(start_url(account), {**FORM, "recipient": owner.pk})
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:messaging_thread_change", args=[thread.pk])
    assert (thread.account, thread.created_by, thread.awaiting_staff) == (account, staff, False)
    message = ThreadMessage.objects.get()
    assert (message.thread, message.author, message.from_staff) == (thread, staff, True)
    assert message.text == "Prosimy o kontakt."
    notification = Notification.objects.get()
    assert notification.user == owner
    assert notification.link == reverse("messaging:thread_detail", args=[thread.pk])
    event = AuditEvent.objects.get(action="add", object_id=str(thread.pk))
    assert (event.actor, event.resident) == (staff, owner)

    client.force_login(owner)
    assert "Zaległość za marzec" in client.get(reverse("messaging:thread_list")).content.decode()
    page = client.get(reverse("messaging:thread_detail", args=[thread.pk])).content.decode()
    assert "Prosimy o kontakt." in page
    inbox = client.get(reverse("messaging:notification_list")).content.decode()
    assert "Zaległość za marzec" in inbox


def test_clerk_writes_to_everyone_with_access(staff_client, owner, co_holder, account):
    staff_client.post(start_url(account), {**FORM, "recipient": ""})
    assert {n.user for n in Notification.objects.all()} == {owner, co_holder}


def test_stranger_gets_404(staff_client, owner, account, stranger, client):
    staff_client.post(start_url(account), {**FORM, "recipient": owner.pk})
    thread = Thread.objects.get()
    client.force_login(stranger)
    assert client.get(reverse("messaging:thread_detail", args=[thread.pk])).status_code == 404
    assert "Zaległość" not in client.get(reverse("messaging:thread_list")).content.decode()


def test_bad_input_polish_messages_and_nothing_stored(staff_client, account, stranger):
    response = staff_client.post(
        start_url(account),
        {"topic": "payments", "subject": "Dwie\nlinie", "text": "", "recipient": stranger.pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["text"] == ["To pole jest wymagane."]
    assert "Wybierz poprawną wartość" in errors["recipient"][0]
    assert errors["subject"]
    page = response.content.decode()
    assert "To pole jest wymagane." in page
    assert not Thread.objects.exists()
    assert not ThreadMessage.objects.exists()
    assert not Notification.objects.exists()


def test_from_a_person_page_the_clerk_picks_one_of_their_accounts(staff_client, owner, account):
    user_page = staff_client.get(reverse("admin:accounts_user_change", args=[owner.pk]))
    link = reverse("admin:messaging_thread_add") + f"?recipient={owner.pk}"
    assert link in user_page.content.decode()
    page = staff_client.get(link).content.decode()
    assert f"?account={account.number}&amp;recipient={owner.pk}" in page
    form = staff_client.get(start_url(account, recipient=owner.pk)).context["form"]
    assert str(form["recipient"].value()) == str(owner.pk)


def test_accountant_cannot_start_a_thread(client, account):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(groups=["Księgowość"]))
    assert client.post(start_url(account), FORM).status_code == 403
    assert not Thread.objects.exists()


def test_reply_is_its_own_form_and_no_save_button_can_drop_it(staff_client, owner):
    thread = thread_of(owner)
    url = reverse("admin:messaging_thread_change", args=[thread.pk])
    page = staff_client.get(url).content.decode()
    forms = re.findall(r"<form\b[^>]*>.*?</form>", page, flags=re.S)
    reply_action = reverse("admin:messaging_thread_reply", args=[thread.pk])
    [reply] = [f for f in forms if 'name="text"' in f]
    assert f'action="{reply_action}"' in reply
    assert "Wyślij odpowiedź" in reply
    # No save buttons anywhere on the page: "Zapisz i kontynuuj edycję" cannot discard a reply.
    assert 'name="_continue"' not in page
    assert 'name="_save"' not in page

    response = staff_client.post(reply_action, {"text": "Odpowiedź BOK."})
    assert response.status_code == 302
    assert thread.messages.filter(text="Odpowiedź BOK.", from_staff=True).count() == 1


def test_a_rejected_reply_keeps_what_was_typed(staff_client, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    thread = thread_of(owner)
    response = staff_client.post(
        reverse("admin:messaging_thread_reply", args=[thread.pk]),
        {"text": "Długa odpowiedź.", "attachment": SimpleUploadedFile("a.txt", b"hello")},
    )
    assert response.status_code == 200
    assert "Długa odpowiedź." in response.content.decode()
    assert thread.messages.count() == 1

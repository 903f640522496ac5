"""Finding 8 of the security audit: 20 emergency fault reports in 0.7 s (20 e-mails to the duty
line), and double submits of faults and threads stored twice. Now what a resident sends is
limited per user (a refusal says so, keeps the form and stores nothing), and every form carries
a one-time token, so sending it twice stores once and shows the first result."""

import uuid

import pytest
from django.urls import reverse

from faults.models import FaultReport
from messaging.models import Thread, ThreadMessage
from tests.messaging.factories import thread_of

pytestmark = pytest.mark.django_db


def emergency(account, **extra):
    return {
        "account": account.pk,
        "place": "premises",
        "category": "water",
        "title": "Pęknięta rura",
        "description": "Woda zalewa łazienkę.",
        "contact_phone": "600 123 456",
        "emergency": "on",
        **extra,
    }


def test_twenty_emergency_reports_at_once_store_five_and_mail_the_duty_line_five_times(
    owner_client, account, django_capture_on_commit_callbacks
):
    codes = []
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for i in range(20):
            response = owner_client.post(
                reverse("faults:new"), emergency(account, title=f"Pęknięta rura {i}")
            )
            codes.append(response.status_code)
    assert codes == [302] * 5 + [429] * 15  # 5 an hour per resident
    assert FaultReport.objects.count() == 5
    assert len(queued) == 5  # one duty e-mail per stored report, none for the refused
    refused = owner_client.post(reverse("faults:new"), emergency(account))
    assert refused.status_code == 429
    assert refused.context["form"].non_field_errors()
    assert refused.context["form"]["title"].value() == "Pęknięta rura"  # the form is kept


def test_the_same_fault_form_sent_twice_stores_one(owner_client, account):
    page = owner_client.get(reverse("faults:new"))
    token = page.context["form"].initial["token"]
    assert f'value="{token}"' in page.content.decode()  # the token travels in the page
    data = emergency(account, token=str(token))
    first = owner_client.post(reverse("faults:new"), data)
    second = owner_client.post(reverse("faults:new"), data)
    report = FaultReport.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("faults:detail", args=[report.pk])


def test_someone_elses_token_neither_shows_their_report_nor_fails(
    owner_client, client, account, stranger
):
    token = str(uuid.uuid4())
    owner_client.post(reverse("faults:new"), emergency(account, token=token))
    client.force_login(stranger)
    other = stranger.account_accesses.get().account
    response = client.post(reverse("faults:new"), emergency(other, token=token))
    mine = FaultReport.objects.get(reporter=stranger)  # a report of their own, not a 500
    assert response["Location"] == reverse("faults:detail", args=[mine.pk])
    assert FaultReport.objects.count() == 2


def test_the_same_message_sent_twice_stores_one_thread(owner_client, account):
    token = owner_client.get(reverse("messaging:thread_new")).context["form"].initial["token"]
    data = {
        "account": account.pk,
        "topic": "payments",
        "subject": "Nadpłata",
        "text": "Proszę o zwrot.",
        "token": str(token),
    }
    first = owner_client.post(reverse("messaging:thread_new"), data)
    second = owner_client.post(reverse("messaging:thread_new"), data)
    thread = Thread.objects.get()
    assert first["Location"] == second["Location"] == reverse(
        "messaging:thread_detail", args=[thread.pk]
    )
    assert ThreadMessage.objects.count() == 1


def test_the_same_reply_sent_twice_stores_one(owner_client, owner):
    thread = thread_of(owner)
    url = reverse("messaging:thread_detail", args=[thread.pk])
    token = owner_client.get(url).context["form"].initial["token"]
    for _ in range(2):
        assert owner_client.post(url, {"text": "Dziękuję.", "token": str(token)}).status_code == 302
    assert thread.messages.filter(text="Dziękuję.").count() == 1


def test_messages_are_limited_per_resident(owner_client, account):
    codes = [
        owner_client.post(
            reverse("messaging:thread_new"),
            {"account": account.pk, "topic": "other", "subject": f"Sprawa {i}", "text": "Treść."},
        ).status_code
        for i in range(22)
    ]
    assert codes == [302] * 20 + [429] * 2
    assert Thread.objects.count() == 20


def test_when_the_cache_is_down_reports_still_go_through(owner_client, account, monkeypatch):
    for i in range(5):
        owner_client.post(reverse("faults:new"), emergency(account, title=f"Rura {i}"))
    assert owner_client.post(reverse("faults:new"), emergency(account)).status_code == 429
    # Redis restarts: the limit cannot be counted, and a burst pipe must still be reported.
    monkeypatch.setattr("django.core.cache.cache.add", lambda *args, **kwargs: False)
    response = owner_client.post(reverse("faults:new"), emergency(account, title="Zalanie"))
    assert response.status_code == 302
    assert FaultReport.objects.filter(title="Zalanie").exists()

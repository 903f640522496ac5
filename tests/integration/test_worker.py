"""A real Celery worker against real Redis and PostgreSQL delivers e-mails exactly once."""

import re

import pytest
from django.conf import settings
from django.db import transaction

from accounts import services
from accounts.models import CredentialIssue
from messaging import notify
from messaging.models import Notification
from messaging.tasks import notification_email_send
from tests.workers import body, messages_in, subject, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_notification_email_is_sent_once_by_the_worker(worker, mailbox, owner):
    with transaction.atomic():
        first = notify(owner, "Zaległa płatność", "Prosimy o wpłatę.")
    wait_for(
        lambda: Notification.objects.filter(pk=first.pk, email_status="sent").exists(),
        "the e-mail to be sent",
    )
    # The same task again (a redelivery), then a new one the solo worker handles after it.
    notification_email_send.delay(first.pk)
    with transaction.atomic():
        second = notify(owner, "Druga", "Treść")
    wait_for(
        lambda: Notification.objects.filter(pk=second.pk, email_status="sent").exists(),
        "the second e-mail",
    )
    messages = messages_in(mailbox)
    by_subject = {subject(m): m for m in messages}
    assert len(messages) == 2
    assert set(by_subject) == {"Zaległa płatność", "Druga"}
    assert by_subject["Zaległa płatność"]["To"] == owner.email
    assert "Prosimy o wpłatę." in body(by_subject["Zaległa płatność"])


def test_activation_link_reaches_the_mailbox(worker, mailbox, owner, staff):
    issue, _ = services.credentials_issue(
        user=owner, method="email", document_type="id_card", clerk=staff
    )
    wait_for(
        lambda: CredentialIssue.objects.filter(pk=issue.pk, email_status="sent").exists(),
        "the activation e-mail",
    )
    (message,) = messages_in(mailbox)
    assert message["To"] == owner.email
    # The signed token carries its signing time, so compare what it points to, not its text.
    link = re.search(r"https?://\S+/aktywacja/(\S+)/", body(message))
    assert link
    assert link.group(0).startswith(settings.SITE_URL)
    assert services.activation_lookup(link.group(1)).pk == issue.pk

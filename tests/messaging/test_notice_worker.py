"""A real Celery worker (Redis, PostgreSQL) delivers a notice to ~50 residents in batches;
every resident gets exactly one e-mail, even when the batches are queued twice."""

import pytest

from messaging import services
from messaging.models import NoticeDelivery
from messaging.tasks import notice_emails_enqueue
from tests.factories import AccessFactory, BuildingFactory, PremisesFactory
from tests.messaging.factories import notice
from tests.workers import messages_in, subject, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RESIDENTS = 50


def test_notice_emails_are_sent_once_each_by_a_real_worker(worker, mailbox, staff, settings):
    building = BuildingFactory()
    users = [
        AccessFactory(account__premises=PremisesFactory(building=building)).user
        for _ in range(RESIDENTS)
    ]
    opted_out = users[0]
    services.preference_set(user=opted_out, email_notices=False)
    n = notice(clerk=staff, audience="building", audience_building=building, title="Przegląd")
    # The worker's batch size comes from its own settings (200); queue the batches twice.
    services.notice_publish(notice_id=n.pk, clerk=staff)  # enqueues on commit
    wait_for(
        lambda: NoticeDelivery.objects.filter(notice=n).count() == RESIDENTS,
        "the worker to deliver the notice",
    )
    notice_emails_enqueue.delay(n.pk)
    wait_for(
        lambda: not NoticeDelivery.objects.filter(
            notice=n, email_status__in=["pending", "sending"]
        ).exists(),
        "every e-mail to be sent",
        timeout=90,
    )
    notice_emails_enqueue.delay(n.pk)  # once more after everything is sent: nothing new
    messages = messages_in(mailbox)
    recipients = sorted(m["To"] for m in messages)
    expected = sorted(u.email for u in users[1:])
    assert recipients == expected  # each once, nobody twice, the opted-out resident never
    assert {subject(m) for m in messages} == {"Przegląd"}
    statuses = dict(NoticeDelivery.objects.filter(notice=n).values_list("user_id", "email_status"))
    assert statuses[opted_out.pk] == "skipped"
    assert sum(1 for s in statuses.values() if s == "sent") == RESIDENTS - 1

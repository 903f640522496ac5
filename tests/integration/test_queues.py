"""Queues by urgency with real workers on Redis and PostgreSQL, as docker-compose.yml runs
them: `worker-urgent` on the urgent queue, `worker` on the rest. A fault's duty e-mail leaves
within seconds while a thousand PDF renders wait in their queue."""

import time

import pytest
import redis
from django.conf import settings

from ebok.celery import app
from faults import services
from faults.models import FaultReport
from tests.services import require_postgres, require_redis
from tests.workers import messages_in, running_worker, start_worker, subject, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PDFS = 1_000
NO_INVOICE = 10**9  # ids of no invoice: each render finds nothing to do


def test_duty_email_leaves_while_a_thousand_pdfs_wait(mailbox, owner, account):
    require_redis()
    require_postgres()
    mailbox.mkdir()
    env = worker_env(media=settings.MEDIA_ROOT, email_url=f"filemail:///{mailbox}")
    queues = redis.Redis.from_url(settings.REDIS_URL)
    with running_worker(env, "urgent@%h", "-Q", "urgent"):
        with app.producer_or_acquire() as producer:
            for pk in range(NO_INVOICE, NO_INVOICE + PDFS):
                app.send_task("billing.invoice_pdf_render", args=(pk,), producer=producer)
        assert queues.llen("pdf") == PDFS
        busy = start_worker(env, "busy@%h", "--pool", "solo", "-Q", "default,pdf,bulk")
        try:
            wait_for(lambda: queues.llen("pdf") < PDFS, "the other worker to take PDFs", 60)
            started = time.monotonic()
            report = services.fault_report(
                user=owner,
                account=account,
                place="premises",
                category="water",
                title="Pękła rura",
                description="Woda leje się z sufitu w łazience.",
                contact_phone="600123456",
                emergency_declared=True,
            )
            wait_for(
                lambda: FaultReport.objects.filter(pk=report.pk, email_status="sent").exists(),
                "the duty e-mail",
                timeout=15,
            )
            took = time.monotonic() - started
            waiting = queues.llen("pdf")
        finally:
            busy.terminate()
            busy.wait(timeout=30)
            app.control.purge()
    print(f"duty e-mail sent in {took:.2f} s; {waiting} PDF tasks still queued")
    assert took < 8
    assert waiting >= 300
    (message,) = messages_in(mailbox)
    assert message["To"] == settings.FAULTS_DUTY_EMAILS[0]
    assert "Pękła rura" in subject(message)

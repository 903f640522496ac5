"""Nothing is lost and nothing is done twice when the worker is killed in the middle of its work
or Redis loses every queued task: the database rows are the truth and the sweepers (run here
directly, as beat would) bring each invoice to exactly one stored PDF and each e-mail to exactly
one delivery."""

import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db.models import F

from billing.invoices.services import invoice_issue_for_month
from billing.invoices.tasks import invoice_pdfs_sweep
from billing.models import Invoice
from ebok.celery import app
from messaging import notify
from messaging.models import Notification
from messaging.tasks import notification_emails_sweep
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.factories import AccessFactory
from tests.services import require_postgres, require_redis
from tests.workers import messages_in, start_worker, subject, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

INVOICES = 4
RESIDENTS = 5
QUEUES = [queue.name for queue in settings.CELERY_TASK_QUEUES]


@pytest.fixture
def mailbox(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


def queued(broker):
    return sum(broker.llen(queue) for queue in QUEUES)


@pytest.fixture
def broker():
    require_redis()
    require_postgres()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()  # the killed worker's unacknowledged task must not reach a later test


@pytest.fixture
def workers(media, mailbox, broker):
    """start() a real prefork worker in its own process group; all are stopped at the end."""
    started = []
    env = worker_env(media=media, email_url=f"filemail:///{mailbox}")

    def start():
        name = f"crash{len(started)}-{os.getpid()}@%h"
        process = start_worker(env, name, "--concurrency", "1", new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def sigkill(process):
    """The machine dies: the worker and its pool child at once, nothing cleaned up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def queue_work():
    """Invoices whose PDFs and notices are queued, and notifications to several residents."""
    invoices = []
    for i in range(INVOICES):
        account = commercial_access(f"firma{i}").account
        month_charges(account)
        invoices.append(invoice_issue_for_month(account=account, period=PERIOD))
    for i in range(RESIDENTS):
        resident = AccessFactory(user__username=f"lokator{i}").user
        notify(resident, f"Zawiadomienie {i}", "Treść zawiadomienia.")
    assert Notification.objects.count() == INVOICES + RESIDENTS  # one per invoice's company
    return invoices


def ten_minutes_pass():
    """What a stuck row looks like to the sweepers after their grace periods (no worker runs)."""
    ago = timedelta(minutes=15)
    Invoice.objects.update(issued_at=F("issued_at") - ago)
    Invoice.objects.filter(pdf_claimed_at__isnull=False).update(
        pdf_claimed_at=F("pdf_claimed_at") - ago
    )
    Notification.objects.update(created_at=F("created_at") - ago)
    Notification.objects.filter(email_claimed_at__isnull=False).update(
        email_claimed_at=F("email_claimed_at") - ago
    )


def run_sweepers():
    """The beat tasks, called in this process; their nudges go to Redis."""
    return invoice_pdfs_sweep() + notification_emails_sweep()


def wait_until_all_done():
    def done():
        pdfs = Invoice.objects.exclude(pdf_status=Invoice.PdfStatus.DONE).count()
        mails = Notification.objects.exclude(email_status="sent").count()
        return pdfs == 0 and mails == 0

    wait_for(done, "every PDF stored and every e-mail sent", timeout=120)


def assert_everything_exactly_once(invoices, media, mailbox):
    stored = {str(path.relative_to(media)) for path in media.rglob("*.pdf")}
    names = set(Invoice.objects.values_list("pdf_file", flat=True))
    assert len(names) == len(invoices)  # one file each, no stray copies
    assert stored == names
    expected = Counter(Notification.objects.values_list("user__email", "subject"))
    delivered = Counter((m["To"], subject(m)) for m in messages_in(mailbox))
    assert delivered == expected
    assert sum(delivered.values()) == INVOICES + RESIDENTS


def test_worker_killed_mid_render_then_sweepers_finish_everything_once(
    workers, broker, media, mailbox
):
    invoices = queue_work()
    first = workers()
    wait_for(
        lambda: Invoice.objects.filter(pdf_status=Invoice.PdfStatus.RENDERING).exists(),
        "the worker to start rendering",
        timeout=60,
    )
    sigkill(first)
    # Killed mid-render: the claim stays, with no file, and the rest is undone. (A render of
    # ~0.15 s may end between the look and the kill, on a loaded machine: then the kill fell
    # between two tasks and no claim is left, which the sweepers must survive just the same.)
    killed_in = Invoice.objects.filter(pdf_status=Invoice.PdfStatus.RENDERING)
    assert killed_in.count() <= 1
    assert not any(i.pdf_file for i in killed_in)
    assert Invoice.objects.exclude(pdf_status=Invoice.PdfStatus.DONE).count() >= 1

    ten_minutes_pass()
    assert run_sweepers() >= 1  # at least the killed render is queued again
    workers()
    wait_until_all_done()
    assert_everything_exactly_once(invoices, media, mailbox)
    # The original tasks still in the queue and the sweepers' nudges overlap: when the queue
    # is drained, the duplicates have found their rows done and changed nothing.
    wait_for(lambda: queued(broker) == 0, "the queues to drain")
    time.sleep(1)
    assert run_sweepers() == 0
    assert_everything_exactly_once(invoices, media, mailbox)


def test_redis_loses_the_queue_and_the_sweepers_recover_it(workers, broker, media, mailbox):
    invoices = queue_work()
    assert queued(broker) == INVOICES + INVOICES + RESIDENTS  # PDFs, invoice e-mails, notices
    broker.flushdb()  # Redis restarted without persistence: every queued task is gone
    workers()
    wait_for(lambda: app.control.ping(timeout=0.5), "the worker to start", timeout=60)
    time.sleep(2)
    assert not Invoice.objects.filter(pdf_status=Invoice.PdfStatus.DONE).exists()
    assert not Notification.objects.filter(email_status="sent").exists()

    ten_minutes_pass()
    assert run_sweepers() == INVOICES + INVOICES + RESIDENTS
    wait_until_all_done()
    assert_everything_exactly_once(invoices, media, mailbox)

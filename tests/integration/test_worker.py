"""A real Celery worker against real Redis and PostgreSQL delivers e-mails exactly once."""

import email
import re
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts import services
from accounts.models import CredentialIssue
from ebok.celery import app
from messaging import notify
from messaging.models import Notification
from messaging.tasks import send_notification_email
from tests.services import require_postgres, require_redis

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEPARATOR = b"-" * 79


def database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def mailbox(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(mailbox):
    require_redis()
    require_postgres()
    mailbox.mkdir()
    app.control.purge()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mailbox}",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ebok",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "test@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), "the worker to start", timeout=60)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for(condition, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout}s for {what}")


def messages_in(mailbox: Path):
    found = []
    for path in sorted(mailbox.iterdir()):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip()))
    return found


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def body(message):
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def test_notification_email_is_sent_once_by_the_worker(worker, mailbox, owner):
    with transaction.atomic():
        first = notify(owner, "Zaległa płatność", "Prosimy o wpłatę.")
    wait_for(
        lambda: Notification.objects.filter(pk=first.pk, email_status="sent").exists(),
        "the e-mail to be sent",
    )
    # The same task again (a redelivery), then a new one the solo worker handles after it.
    send_notification_email.delay(first.pk)
    with transaction.atomic():
        second = notify(owner, "Druga", "Treść")
    wait_for(
        lambda: Notification.objects.filter(pk=second.pk, email_status="sent").exists(),
        "the second e-mail",
    )
    messages = messages_in(mailbox)
    by_subject = {subject(m): m for m in messages}
    assert len(messages) == 2 and set(by_subject) == {"Zaległa płatność", "Druga"}
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
    assert link and link.group(0).startswith(settings.SITE_URL)
    assert services.activation_lookup(link.group(1)).pk == issue.pk

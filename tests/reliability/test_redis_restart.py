"""Redis really stops and starts again (no persistence, as configured in production) under a
running gunicorn (DEBUG=false) and Celery worker: residents stay logged in and can act while it
is down, nothing they did is lost, and every e-mail goes out exactly once when it is back.

Its own redis-server on a free port, so the machine's Redis (and other tests) are untouched."""

import os
import shutil
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db.models import F

from faults.models import FaultReport
from scripts.http_browser import Browser
from tests.clients import Client
from tests.factories import AccessFactory
from tests.services import require, require_postgres
from tests.workers import free_port, messages_in, subject, wait_for, web_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DUTY = "dyzur-test@zbm.example.pl"


class RedisServer:
    def __init__(self, folder):
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, "redis-server to start", timeout=20)

    def answers(self):
        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not self.answers()


@pytest.fixture
def stack(tmp_path):
    """A private Redis, gunicorn and a Celery worker on the test database; all stopped after."""
    require_postgres()
    require(shutil.which("redis-server") is not None, "redis-server")
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    mailbox, media = tmp_path / "mail", tmp_path / "media"
    mailbox.mkdir(), media.mkdir()
    port = free_port()
    env = web_env(
        tmp_path,
        SITE_URL=f"http://127.0.0.1:{port}",
        REDIS_URL=redis_server.url,
        EMAIL_URL=f"filemail:///{mailbox}",
        FAULTS_DUTY_EMAILS=DUTY,
        LOG_LEVEL="CRITICAL",  # the outage is logged at length; not wanted in test output
    )
    processes = []

    def start(args):
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", *args], cwd=settings.BASE_DIR, env=env,
                start_new_session=True,
            )
        )

    start(["gunicorn", "ebok.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}"])
    start(
        ["celery", "-A", "ebok", "worker", "--concurrency", "1", "--loglevel", "critical"]
        + ["--without-gossip", "--without-mingle", "-n", f"restart-{port}@%h"]
    )
    base = f"http://127.0.0.1:{port}"

    def sweep():
        """What beat runs every five minutes, in a process of its own."""
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from faults.tasks import duty_emails_sweep as s; s()"],
            cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, timeout=60,
        )

    try:
        wait_for(lambda: answers(base), "gunicorn to start", timeout=60)
        yield base, redis_server, mailbox, sweep
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        redis_server.stop()


def answers(base):
    try:
        Browser(base).open("/auth/login/")
        return True
    except OSError:
        return False


def logged_in_browser(base, user):
    client = Client()
    client.force_login(user)  # the session row is in the database gunicorn reads
    browser = Browser(base)
    name = settings.SESSION_COOKIE_NAME
    browser.set_cookie(name, client.cookies[name].value)
    return browser


def report_emergency(browser, title):
    browser.open("/awarie/nowa/")
    browser.submit(
        browser.form(r"^/awarie/nowa/$"),
        {
            "title": title,
            "description": "Woda leje się z sufitu.",
            "contact_phone": "600 100 200",
            "emergency": "on",
        },
    )
    assert browser.path.startswith("/awarie/"), browser.path
    assert title in browser.text, browser.path
    return FaultReport.objects.get(title=title)


def duty_mails(mailbox):
    return sorted(subject(m) for m in messages_in(mailbox) if m["To"] == DUTY)


def test_residents_work_through_a_redis_restart_and_nothing_is_lost(stack):
    base, redis_server, mailbox, sweep = stack
    resident = AccessFactory(user__username="lokator", user__first_name="Anna").user
    browser = logged_in_browser(base, resident)
    assert "Anna" in browser.open("/").text

    before = report_emergency(browser, "Pęknięta rura")
    wait_for(
        lambda: FaultReport.objects.filter(pk=before.pk, email_status="sent").exists(),
        "the worker to send the first duty e-mail",
        timeout=60,
    )

    redis_server.stop()
    # Sessions come from the database, the task queue is unreachable: pages still answer and
    # what the resident does is stored; the duty e-mail waits in its row.
    assert "Anna" in browser.open("/").text
    assert browser.open("/oplaty/").status == 200
    during = report_emergency(browser, "Brak wody w kuchni")
    assert during.email_status == "pending"

    redis_server.start()  # empty: whatever was queued is gone
    assert "Anna" in browser.open("/").text  # still logged in
    waited = F("created_at") - timedelta(minutes=5)  # past the sweeper's grace period
    FaultReport.objects.filter(pk=during.pk).update(created_at=waited)
    sweep()
    wait_for(
        lambda: FaultReport.objects.filter(pk=during.pk, email_status="sent").exists(),
        "the worker, reconnected, to send the duty e-mail of the report made during the outage",
        timeout=90,
    )
    after = report_emergency(browser, "Iskrzy gniazdko")
    wait_for(
        lambda: FaultReport.objects.filter(pk=after.pk, email_status="sent").exists(),
        "the duty e-mail of a report made after the restart",
        timeout=60,
    )
    sweep()  # nothing left to nudge: no second copies
    titles = duty_mails(mailbox)
    assert len(titles) == 3, titles
    for title in ("Pęknięta rura", "Brak wody w kuchni", "Iskrzy gniazdko"):
        assert sum(title in t for t in titles) == 1, titles

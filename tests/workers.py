"""Processes a test starts on its own database: real Celery workers (Redis broker, PostgreSQL)
and production web processes (DEBUG=false), and reading the mail they sent. The fixtures here
are registered for the whole suite by tests/conftest.py."""

import email
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from ebok.celery import app
from tests.services import require_postgres, require_redis

SEPARATOR = b"-" * 79  # between the messages of one filemail:// file


def database_url():
    """The test database, as a URL for processes started by a test."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


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


def worker_env(*, media, email_url="dummymail://"):
    """What a worker process needs to share the test's database, broker and files."""
    return {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": email_url,
        "SECRET_KEY": settings.SECRET_KEY,  # what sessions and tokens made in the test carry
        "SITE_URL": settings.SITE_URL,
        "MEDIA_ROOT": str(media),
    }


def web_env(folder, **overrides):
    """The environment of DEBUG=false processes that a test talks to over plain HTTP on
    127.0.0.1, with files under `folder` and the static files collected there first (a fresh
    clone has none, and DEBUG=false serves them from the manifest)."""
    env = {
        **worker_env(media=folder / "media"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(folder / "static"),
        **overrides,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(env, name, *options, new_session=False):
    """`celery -A ebok worker` with `options` (pool, concurrency); `name` must be unique."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ebok", "worker", *options]
        + ["--loglevel", "warning", "--without-gossip", "--without-mingle", "-n", name],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=new_session,
    )


@contextmanager
def running_worker(env, name, *options):
    """A solo worker on empty queues, answering pings; stopped on the way out. It consumes
    every queue unless `options` say otherwise (`-Q urgent`)."""
    require_redis()
    require_postgres()
    app.control.purge()
    process = start_worker(env, name, "--pool", "solo", *options)
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), "the worker to start", timeout=60)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def mailbox(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(mailbox):
    """A worker that sends e-mail into `mailbox` (read it with messages_in)."""
    mailbox.mkdir()
    env = worker_env(media=settings.MEDIA_ROOT, email_url=f"filemail:///{mailbox}")
    with running_worker(env, "test@%h") as process:
        yield process


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def pdf_worker(media):
    """A worker that stores PDFs and files into `media`, shared with the test; e-mail dropped."""
    with running_worker(worker_env(media=media), "pdfs@%h") as process:
        yield process

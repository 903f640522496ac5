"""A real Celery worker for the tests of PDFs and files it makes: its own MEDIA_ROOT, shared
with the test process, and e-mail thrown away."""

import subprocess
import sys

import pytest
from django.conf import settings

from ebok.celery import app
from tests.integration.test_worker import database_url, wait_for
from tests.services import require_postgres, require_redis


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def pdf_worker(media):
    require_redis()
    require_postgres()
    app.control.purge()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "MEDIA_ROOT": str(media),
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
            "pdfs@%h",
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

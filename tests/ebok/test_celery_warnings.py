"""The admin's front page warns staff when Celery beat or the workers of a queue have sent no
heartbeat for HEARTBEAT_MAX_AGE_MINUTES, or a queue is backed up; never in the embedded default
(no Redis: tasks run in the web process). The heartbeats are real entries in Redis, written
as beat and the workers write them (a real worker's own: tests/integration)."""

import json
import time

import pytest
from django.urls import reverse

from ebok import celery_monitor
from ebok.celery import app
from tests.clients import Client
from tests.factories import StaffFactory
from tests.services import require_redis

pytestmark = pytest.mark.django_db

BEAT_SILENT = "Harmonogram Celery (beat) nie"
NO_WORKER = "Żaden proces roboczy Celery"
QUEUE = app.conf.task_default_queue


@pytest.fixture
def admin_page(db):
    client = Client()
    client.force_login(StaffFactory(username="bok_monitor"))

    def page():
        response = client.get(reverse("admin:index"))
        assert response.status_code == 200
        return response.content.decode()

    return page


@pytest.fixture
def redis(settings):
    require_redis()
    settings.HEARTBEAT_MAX_AGE_MINUTES = 5
    client = celery_monitor.redis_client()
    keys = (celery_monitor.BEAT_KEY, celery_monitor.WORKERS_KEY)
    client.delete(*keys)
    app.control.purge()
    yield client
    client.delete(*keys)
    app.control.purge()


def beat_at(client, seconds_ago):
    client.set(celery_monitor.BEAT_KEY, repr(time.time() - seconds_ago))


def worker_at(client, seconds_ago, queues=None):
    """A worker taking tasks from `queues` (by default every queue tasks are sent to)."""
    queues = celery_monitor.configured_queues() if queues is None else queues
    record = {"at": time.time() - seconds_ago, "queues": list(queues)}
    client.hset(celery_monitor.WORKERS_KEY, "celery@host", json.dumps(record))


def test_nothing_is_said_in_the_embedded_default(admin_page, settings):
    settings.REDIS_URL = ""  # make run: tasks run in the web process, there is no worker
    page = admin_page()
    assert BEAT_SILENT not in page
    assert NO_WORKER not in page
    assert "Redis nie odpowiada" not in page


def test_beat_silent_for_too_long_is_shown(admin_page, redis):
    worker_at(redis, 0)
    beat_at(redis, 6 * 60)
    assert "Harmonogram Celery (beat) nie daje znaku życia od 6 minut" in admin_page()
    celery_monitor.beat_heartbeat()
    assert BEAT_SILENT not in admin_page()


def test_beat_that_never_beat_is_shown(admin_page, redis):
    worker_at(redis, 0)
    assert "Harmonogram Celery (beat) nie dał znaku życia" in admin_page()


def test_a_queue_whose_workers_are_silent_is_shown(admin_page, redis):
    beat_at(redis, 0)
    assert f"Żaden proces roboczy Celery nie pobiera zadań z kolejki „{QUEUE}”" in admin_page()
    worker_at(redis, 11 * 60)
    assert (
        f"Żaden proces roboczy Celery pobierający zadania z kolejki „{QUEUE}” nie daje znaku "
        "życia od 11 minut" in admin_page()
    )
    worker_at(redis, 4 * 60)
    assert NO_WORKER not in admin_page()


def test_a_worker_of_another_queue_does_not_count(admin_page, redis):
    beat_at(redis, 0)
    worker_at(redis, 0, queues=["some-other-queue"])
    assert f"nie pobiera zadań z kolejki „{QUEUE}”" in admin_page()


def test_a_backed_up_queue_is_shown(admin_page, redis, settings):
    beat_at(redis, 0)
    worker_at(redis, 0)
    settings.QUEUE_BACKLOG_THRESHOLD = 3
    for _ in range(3):
        app.send_task("ebok.heartbeat_record", queue=QUEUE)
    assert f"W kolejce „{QUEUE}” czeka" not in admin_page()
    app.send_task("ebok.heartbeat_record", queue=QUEUE, priority=9)  # every priority's list
    assert f"W kolejce „{QUEUE}” czekają 4 zadania: procesy robocze nie nadążają." in admin_page()


def test_unreachable_redis_is_shown(admin_page, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    assert "Redis nie odpowiada" in admin_page()

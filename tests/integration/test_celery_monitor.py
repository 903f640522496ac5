"""A real worker (Redis broker, PostgreSQL) records its heartbeat with the queues it takes
tasks from, runs beat's heartbeat task, counts a failed task in Redis, and logs (as JSON) a
task queued while serving a request with that request's id."""

import json
import time

import pytest
from django.conf import settings
from django.urls import reverse

from ebok import celery_monitor, request_context
from ebok.celery import app
from ebok.metrics import CeleryCollector
from tests.clients import Client
from tests.factories import StaffFactory
from tests.services import require_postgres, require_redis
from tests.workers import running_worker, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def json_lines(text):
    for line in text.splitlines():
        if line.startswith("{"):
            yield json.loads(line)


def test_a_real_worker_beats_runs_the_heartbeat_and_counts_failures(tmp_path, capfd):
    require_redis()
    require_postgres()
    client = celery_monitor.redis_client()
    keys = [
        celery_monitor.WORKERS_KEY,
        celery_monitor.HEARTBEAT_TASK_KEY,
        celery_monitor.FAILURES_KEY,
        celery_monitor.BEAT_KEY,
    ]
    client.delete(*keys)
    env = {**worker_env(media=tmp_path), "LOG_FORMAT": "json"}
    with running_worker(env, "monitor@%h"):
        state = wait_for(
            lambda: (s := celery_monitor.snapshot()) and s.workers and s,
            "the worker's heartbeat",
            timeout=60,
        )
        ((name, (at, queues)),) = state.workers.items()
        assert name.startswith("monitor@")
        assert queues == sorted(app.amqp.queues)
        assert time.time() - at < 30

        app.send_task("ebok.heartbeat_record")  # as beat sends it: beat's heartbeat
        assert celery_monitor.snapshot().beat_at is not None
        wait_for(
            lambda: celery_monitor.snapshot().heartbeat_task_at,
            "the heartbeat task to run",
            timeout=60,
        )

        request_context._request_id.set("req-from-a-page")  # as while serving a request
        try:
            app.send_task("ebok.heartbeat_record", args=["unexpected"])  # fails: TypeError
        finally:
            request_context._request_id.set(None)
        wait_for(
            lambda: celery_monitor.snapshot().failures.get("ebok.heartbeat_record") == 1,
            "the failure to be counted",
            timeout=60,
        )
        families = {family.name: family for family in CeleryCollector().collect()}
        (failed,) = families["ebok_celery_task_failures"].samples
        assert failed.labels == {"task": "ebok.heartbeat_record"}
        assert failed.value == 1

        staff = StaffFactory(username="bok_worker_check")
        browser = Client()
        browser.force_login(staff)
        page = browser.get(reverse("admin:index")).content.decode()
        assert "Celery" not in page, "no warning while beat and the worker are alive"
    client.delete(*keys)
    assert settings.REDIS_URL
    (failure,) = [
        line
        for line in json_lines(capfd.readouterr().err)
        if line["level"] == "ERROR" and line.get("task") == "ebok.heartbeat_record"
    ]
    assert failure["request_id"] == "req-from-a-page"
    assert failure["logger"] == "celery.app.trace"
    assert "TypeError" in failure["exc_info"]

"""Prometheus metrics at /metrics: only for the scraper's token; requests by view, database
queries, and the Celery queues, heartbeats and failures read from Redis."""

import time

import pytest
from django.urls import reverse

from ebok import celery_monitor
from ebok.celery import app
from tests.clients import Client
from tests.prometheus import sample
from tests.services import require_redis

TOKEN = "s3cr3t-scraper-token"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape():
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def test_without_a_token_configured_there_is_no_metrics_page(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_scraper_without_the_token_is_refused(token):
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert Client().get(f"/metrics?token={TOKEN}").status_code == 403


@pytest.mark.django_db
def test_requests_and_their_queries_are_counted_by_view(token, owner):
    before = scrape()
    client = Client()
    client.force_login(owner)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get("/nie-ma/").status_code == 404
    after = scrape()
    labels = {"view": "dashboard", "method": "GET", "status": "200"}
    assert sample(after, "ebok_http_requests_total", **labels) == (
        sample(before, "ebok_http_requests_total", **labels) or 0
    ) + 1
    assert sample(after, "ebok_http_requests_total", view="unresolved", method="GET", status="404")
    assert sample(after, "ebok_http_request_duration_seconds_count", view="dashboard", method="GET")
    queries = sample(after, "ebok_db_queries_total", database="default")
    assert queries > (sample(before, "ebok_db_queries_total", database="default") or 0)
    assert sample(after, "ebok_db_query_duration_seconds_count", database="default") == queries
    assert owner.username not in after


def test_without_redis_there_are_no_celery_figures(token, settings):
    settings.REDIS_URL = ""
    text = scrape()
    assert "# TYPE ebok_celery_queue_length gauge" in text
    assert sample(text, "ebok_celery_queue_length", queue=app.conf.task_default_queue) is None
    assert sample(text, "ebok_redis_up") is None


def test_the_celery_figures_come_from_redis(token, settings):
    require_redis()
    app.control.purge()
    client = celery_monitor.redis_client()
    client.delete(celery_monitor.BEAT_KEY, celery_monitor.WORKERS_KEY, celery_monitor.FAILURES_KEY)
    queue = app.conf.task_default_queue
    for _ in range(3):  # nobody takes them: no worker runs in this test
        app.send_task("ebok.heartbeat_record", queue=queue)  # beat's heartbeat, as beat sends it
    celery_monitor.worker_heartbeat("w1@test", [queue])
    celery_monitor.task_failed("billing.invoice_pdf_render")
    celery_monitor.task_failed("billing.invoice_pdf_render")
    try:
        text = scrape()
    finally:
        app.control.purge()
    assert sample(text, "ebok_redis_up") == 1
    assert sample(text, "ebok_celery_queue_length", queue=queue) == 3
    assert 0 <= sample(text, "ebok_celery_beat_heartbeat_age_seconds") < 60
    assert 0 <= sample(text, "ebok_celery_worker_heartbeat_age_seconds", queue=queue) < 60
    failures = sample(text, "ebok_celery_task_failures_total", task="billing.invoice_pdf_render")
    assert failures == 2


def test_an_unreachable_redis_is_reported(token, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    assert sample(scrape(), "ebok_redis_up") == 0
    assert time.monotonic() - started < 5

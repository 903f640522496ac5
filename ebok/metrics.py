"""Prometheus metrics at /metrics, for a scraper that sends `Authorization: Bearer
<METRICS_TOKEN>` (without METRICS_TOKEN the address does not exist).

Requests (count and time by view, method and status) and database queries (count and time)
are counted in each process; under gunicorn every worker writes them to files in
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it) and a scrape adds them up
(prometheus_client's multiprocess mode, which works with preload_app: a forked worker starts
its own files). The Celery figures (queue lengths, heartbeats, failed and retried tasks) are
read from Redis when scraped (ebok/celery_monitor.py), so they cover workers in other
containers too. Labels hold view names and task names, never a path with ids or a person."""

import hmac
import os
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import connections
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from . import celery_monitor

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "ebok_http_requests",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "ebok_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
QUERIES = Counter(
    "ebok_db_queries",
    "Database queries made while answering requests.",
    ["database"],
    registry=REGISTRY,
)
QUERY_ERRORS = Counter(
    "ebok_db_query_errors",
    "Database queries that raised an error while answering requests.",
    ["database"],
    registry=REGISTRY,
)
QUERY_SECONDS = Histogram(
    "ebok_db_query_duration_seconds",
    "Time of one database query made while answering a request.",
    ["database"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
    registry=REGISTRY,
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _view(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unresolved"  # not found, or answered before the URL was resolved (a redirect)


class _QueryTimer:
    def __init__(self, database):
        self.database = database

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            QUERY_ERRORS.labels(self.database).inc()
            raise
        finally:
            QUERIES.labels(self.database).inc()
            QUERY_SECONDS.labels(self.database).observe(time.perf_counter() - started)


class RequestMetricsMiddleware:
    """Near the top of MIDDLEWARE: it times everything below it, redirects included."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.timers = {alias: _QueryTimer(alias) for alias in settings.DATABASES}

    def __call__(self, request):
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias, timer in self.timers.items():
                stack.enter_context(connections[alias].execute_wrapper(timer))
            response = self.get_response(request)
        view = _view(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(view, method).observe(time.perf_counter() - started)
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


class CeleryCollector:
    """Read from Redis at each scrape."""

    def collect(self):
        lengths = GaugeMetricFamily(
            "ebok_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        worker_age = GaugeMetricFamily(
            "ebok_celery_worker_heartbeat_age_seconds",
            "Seconds since the newest heartbeat of a worker taking tasks from the queue.",
            labels=["queue"],
        )
        beat_age = GaugeMetricFamily(
            "ebok_celery_beat_heartbeat_age_seconds", "Seconds since beat last sent its heartbeat."
        )
        task_age = GaugeMetricFamily(
            "ebok_celery_heartbeat_task_age_seconds",
            "Seconds since a worker last ran beat's heartbeat task.",
        )
        failures = CounterMetricFamily(
            "ebok_celery_task_failures", "Tasks that failed, by task name.", labels=["task"]
        )
        retries = CounterMetricFamily(
            "ebok_celery_task_retries", "Tasks retried, by task name.", labels=["task"]
        )
        redis_up = GaugeMetricFamily("ebok_redis_up", "1 when Redis answered this scrape.")
        state = celery_monitor.snapshot()
        if state is not None:
            now = time.time()
            for queue, length in sorted(state.queue_lengths.items()):
                lengths.add_metric([queue], length)
                newest = state.newest_worker_on(queue)
                if newest is not None:
                    worker_age.add_metric([queue], now - newest)
            if state.beat_at is not None:
                beat_age.add_metric([], now - state.beat_at)
            if state.heartbeat_task_at is not None:
                task_age.add_metric([], now - state.heartbeat_task_at)
            for name, count in sorted(state.failures.items()):
                failures.add_metric([name], count)
            for name, count in sorted(state.retries.items()):
                retries.add_metric([name], count)
        if settings.REDIS_URL:
            redis_up.add_metric([], 0 if state is None else 1)
        yield from (lengths, worker_age, beat_age, task_age, failures, retries, redis_up)


def metrics_response(request):
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponseNotFound()
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponseForbidden()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    celery = CollectorRegistry()
    celery.register(CeleryCollector())
    response = HttpResponse(
        generate_latest(registry) + generate_latest(celery), content_type=CONTENT_TYPE_LATEST
    )
    response["Cache-Control"] = "no-store"
    return response

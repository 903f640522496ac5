"""What a load balancer and a scraper ask, answered first in MIDDLEWARE: no session, no login,
no host check, no HTTPS redirect, no rate limit, no personal data.

- /health/live: the process answers (200); nothing else is touched.
- /health/ready: the database answers, Redis answers (when REDIS_URL is set), the file storage
  (`default_storage`) takes, returns and deletes a small file, and every migration is applied:
  200, or 503 with the failed checks named (the reason goes to the log, not the response).
- /metrics: Prometheus metrics for a scraper holding METRICS_TOKEN (ebok/metrics.py)."""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

from . import celery_monitor
from .metrics import metrics_response

log = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis():
    celery_monitor.redis_client().ping()


def _storage():
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ready"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ready":
                raise OSError(f"{name} came back different")
    finally:
        default_storage.delete(name)


class _Migrations:
    """Reading the migration files costs a fraction of a second: once everything is applied,
    a running process does not look again (its code, and so its migrations, do not change)."""

    applied = False

    def __call__(self):
        if self.applied:
            return
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise LookupError(f"{len(plan)} migrations not applied")
        self.applied = True


migrations = _Migrations()


def ready_checks():
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    checks["storage"] = _storage
    checks["migrations"] = migrations
    return checks


def ready():
    results = {}
    for name, check in ready_checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # any failure makes the process not ready
            log.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = "failed"
    ok = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ok else "failed", "checks": results}, status=200 if ok else 503
    )


def live():
    return HttpResponse("ok", content_type="text/plain")


PROBES = {"/health/live": live, "/health/ready": ready}


class ProbesMiddleware:
    """First in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path in PROBES or path == "/metrics":
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            response = metrics_response(request) if path == "/metrics" else PROBES[path]()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

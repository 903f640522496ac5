"""Loaded early (`-p tests.xdist_services` in pyproject's addopts): under pytest-xdist each test
process gets its own Redis database, as pytest-django gives it its own test database, so that
one process's cache.clear(), queue purge or Celery worker never touches another's."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Before pytest-django reads the settings.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, …
    url = os.environ.get("REDIS_URL", "")
    if not worker.startswith("gw") or not url:
        return
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    db = base - int(worker[2:])  # 15, 14, … for REDIS_URL …/15
    if db < 0:
        raise pytest.UsageError(f"REDIS_URL {url}: no Redis database left for {worker}")
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{db}"))

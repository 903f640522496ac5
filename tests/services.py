"""Tests that need a real service skip locally without it, and fail in CI
(EBOK_REQUIRE_SERVICES=1), so a missing PostgreSQL, Redis or browser is never a silent pass."""

import os

import pytest
from django.db import connection


def require(available: bool, what: str):
    if available:
        return
    if os.environ.get("EBOK_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required here (EBOK_REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def require_postgres():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


def require_redis():
    from django.conf import settings

    require(bool(settings.REDIS_URL), "Redis (set REDIS_URL)")


def require_chromium():
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")


CHROMIUM = os.environ.get("EBOK_CHROMIUM", "/usr/bin/chromium")

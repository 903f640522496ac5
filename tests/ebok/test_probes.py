"""The load balancer's probes: /health/live (the process answers, nothing else touched) and
/health/ready (database, Redis when configured, file storage, migrations). No login, no host
check, no HTTPS redirect, nothing personal in the answer."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from ebok import probes
from tests.clients import Client
from tests.services import require_redis


@pytest.fixture
def production(settings):
    # As behind a load balancer that probes over plain HTTP by the container's address.
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["ebok.example.pl"]


@pytest.fixture
def fresh_migration_check():
    probes.migrations.applied = False
    yield
    probes.migrations.applied = False


def get(path):
    return Client().get(path, HTTP_HOST="10.0.0.7:8000")


def test_live_answers_without_the_database(production):
    # No `db` fixture: any query here would fail the test.
    response = get("/health/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response
    assert "sessionid" not in str(response.cookies)


@pytest.mark.django_db
def test_ready_checks_the_database_storage_and_migrations(production, fresh_migration_check):
    response = get("/health/ready")
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["database"] == checks["storage"] == checks["migrations"] == "ok"
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_while_a_migration_is_not_applied(production, fresh_migration_check):
    MigrationRecorder(connection).migration_qs.filter(app="faults").delete()
    response = get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "failed",
        "checks": {**response.json()["checks"], "migrations": "failed"},
    }
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_when_the_storage_cannot_be_written(production, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.MEDIA_ROOT = blocked
    response = get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "failed"


@pytest.mark.django_db
def test_ready_asks_redis_when_it_is_configured(production, settings):
    require_redis()
    assert get("/health/ready").json()["checks"]["redis"] == "ok"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failed"


@pytest.mark.django_db
def test_ready_does_not_ask_redis_without_it(production, settings):
    settings.REDIS_URL = ""
    assert "redis" not in get("/health/ready").json()["checks"]


def test_probes_answer_get_and_head_only(production):
    assert Client().post("/health/live", HTTP_HOST="10.0.0.7").status_code == 405
    assert Client().head("/health/live/", HTTP_HOST="10.0.0.7").status_code == 200

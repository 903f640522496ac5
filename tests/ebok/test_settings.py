"""Settings come from the environment and fail start-up on nonsense."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        # the browser tests allow the ORM beside Playwright's loop; production must not
        if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_bad_boolean_stops_start_up(value):
    result = manage("check", DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_needs_a_secret_key():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="ebok.example.pl")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        ALLOWED_HOSTS="ebok.example.pl",
        SECRET_KEY="x" * 30 + "y" * 30 + "Zq9!",
        TRUSTED_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stderr


def test_production_must_say_how_many_proxies_it_trusts():
    # Behind a proxy left unsaid, every client would share the proxy's IP in rate limits.
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "ebok.example.pl", "SECRET_KEY": "x" * 50 + "Zq9!"}
    result = manage("check", "--deploy", **env)
    assert result.returncode != 0
    assert "ebok.E001" in result.stderr
    assert "TRUSTED_PROXY_COUNT" in result.stderr
    assert manage("check", "--deploy", TRUSTED_PROXY_COUNT="0", **env).returncode == 0


def test_without_redis_tasks_run_in_the_web_process():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)",
    )
    assert result.stdout.split() == ["True", "django.core.mail.backends.console.EmailBackend"]


PRODUCTION = {"DEBUG": "false", "ALLOWED_HOSTS": "ebok.example.pl", "SECRET_KEY": "x" * 50 + "Zq9!"}
SCHEME_OF_A_FORWARDED_REQUEST = (
    "from django.conf import settings as s; from django.test import RequestFactory; "
    "r = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https'); "
    "print(r.is_secure(), s.SECURE_PROXY_SSL_HEADER)"
)


def test_a_client_connecting_directly_cannot_claim_https():
    # TRUSTED_PROXY_COUNT=0: nobody sits in front of gunicorn, so the header came from the client.
    result = manage(
        "shell", "-v", "0", "-c", SCHEME_OF_A_FORWARDED_REQUEST, TRUSTED_PROXY_COUNT="0",
        **PRODUCTION,
    )
    assert result.stdout.split() == ["False", "None"], result.stderr


def test_behind_a_configured_proxy_its_scheme_header_is_believed():
    result = manage(
        "shell", "-v", "0", "-c", SCHEME_OF_A_FORWARDED_REQUEST, TRUSTED_PROXY_COUNT="1",
        **PRODUCTION,
    )
    assert result.stdout.split()[0] == "True", result.stderr

"""Every response carries a request id (the proxy's X-Request-ID when it is a plain token);
JSON log lines carry it with the user's id, and nothing else of the request or the person."""

import io
import json
import logging

import pytest

from ebok.request_context import JsonFormatter, RequestContextFilter
from tests.clients import Client


@pytest.fixture
def json_log():
    """What the `django.request` logger writes through the LOG_FORMAT=json handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_response_carries_a_new_request_id():
    first, second = Client().get("/health/nope/"), Client().get("/health/nope/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token():
    response = Client().get("/nie-ma/", HTTP_X_REQUEST_ID="lb-7f3a9c1e-42")
    assert response["X-Request-ID"] == "lb-7f3a9c1e-42"
    forged = Client().get("/nie-ma/", HTTP_X_REQUEST_ID='x" injected=1')
    assert forged["X-Request-ID"] != 'x" injected=1'
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_json_log_lines_carry_the_request_id_and_the_users_id_only(owner, json_log):
    client = Client()
    client.force_login(owner)
    response = client.get("/nie-ma/?pesel=90010112345", HTTP_X_REQUEST_ID="req-12345678")
    assert response.status_code == 404
    (line,) = [line for line in json_log() if line["logger"] == "django.request"]
    assert line["request_id"] == "req-12345678"
    assert line["user_id"] == owner.pk
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /nie-ma/"
    assert set(line) == {"time", "level", "logger", "message", "request_id", "user_id"}
    text = json.dumps(line)
    assert "90010112345" not in text
    assert owner.username not in text
    assert owner.email not in text


def test_a_line_outside_a_request_has_no_ids(json_log):
    logging.getLogger("django.request").warning("after the request")
    (line,) = json_log()
    assert line["request_id"] is None
    assert line["user_id"] is None

"""Error reports go to Sentry only with SENTRY_DSN, and carry the request id and the user's id
but nothing personal: no query string, cookies, body or local variables, and no e-mail
address or PESEL quoted in an error message. A local HTTP server stands for Sentry."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.conf import settings

SCRIPT = """
import io
from wsgiref.util import setup_testing_defaults

import django
django.setup()
from django.conf import settings
settings.ROOT_URLCONF = "tests.ebok.error_urls"
import sentry_sdk
from django.core.wsgi import get_wsgi_application

assert sentry_sdk.is_initialized()
environ = {
    "PATH_INFO": "/test-500-personal/",
    "QUERY_STRING": "pesel=90010112345",
    "HTTP_HOST": "testserver",
    "HTTP_COOKIE": "csrftoken=a-cookie-value",
    "HTTP_X_REQUEST_ID": "req-sentry-1234",
    "wsgi.errors": io.StringIO(),
}
setup_testing_defaults(environ)
statuses = []
body = get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
b"".join(body)
assert statuses == ["500 Internal Server Error"], statuses
sentry_sdk.flush(10)
"""


@pytest.fixture
def sentry_server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":  # the SDK compresses so when brotli is installed
                import brotli

                body = brotli.decompress(body)
            received.append((self.path, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()


def run(env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "REDIS_URL"))}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "ebok.settings",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def events(received):
    found = []
    for _path, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_nothing_is_sent_without_sentry_dsn():
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.is_initialized()


def test_an_error_reaches_sentry_without_personal_data(sentry_server, tmp_path):
    port, received = sentry_server
    done = run(
        {
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
            "SENTRY_ENVIRONMENT": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (event,) = events(received)
    assert event["environment"] == "test"
    assert event["tags"]["request_id"] == "req-sentry-1234"
    (exception,) = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == "Key (pesel, email)=([…], […]) already exists"
    assert event["request"]["url"] == "http://testserver/test-500-personal/"
    text = json.dumps(event)
    for personal in ("90010112345", "jan.kowalski@example.pl", "a-cookie-value"):
        assert personal not in text, text[max(0, text.find(personal) - 300) :][:400]
    assert "query_string" not in event["request"]
    assert "cookies" not in event["request"]
    assert all("vars" not in frame for frame in exception["stacktrace"]["frames"])
    assert event.get("user") in (None, {})  # anonymous; a logged-in user: only the id

"""gunicorn as in production (gunicorn.conf.py, 2 workers, preload, DEBUG=false): the probes
answer, /metrics adds up the requests of both workers whichever of them answers the scrape
(prometheus_client's multiprocess mode), and the access log has each request's id and time
but no query string."""

import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.prometheus import sample
from tests.services import require_postgres
from tests.workers import free_port, wait_for, web_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TOKEN = "scraper-token-for-the-test"


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def answers(url):
    try:
        return get(url)[0] == 200
    except OSError:
        return False


def test_two_workers_add_up_in_metrics_and_log_request_ids(tmp_path):
    require_postgres()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = web_env(
        tmp_path,
        REDIS_URL="",
        METRICS_TOKEN=TOKEN,
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        TRUSTED_PROXY_COUNT="0",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ebok.wsgi:application"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: answers(f"{base}/health/live"), "gunicorn to start", timeout=60)
        status, body, _headers = get(f"{base}/health/ready")
        assert status == 200, body
        assert '"status": "ok"' in body, body
        for i in range(20):
            status, _body, headers = get(
                f"{base}/nie-ma/?pesel=90010112345", **{"X-Request-ID": f"probe-{i:04d}-abc"}
            )
            assert status == 404
            assert headers["X-Request-ID"] == f"probe-{i:04d}-abc"
        assert get(f"{base}/metrics")[0] == 403
        for _ in range(4):  # whichever worker answers, it reports both
            status, text, _headers = get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
            assert status == 200
            requests = sample(
                text, "ebok_http_requests_total", view="unresolved", method="GET", status="404"
            )
            assert requests == 20
    finally:
        process.terminate()
        process.wait(timeout=30)
    written = log.read_text()
    served_by = set(re.findall(r"Booting worker with pid: (\d+)", written))
    assert len(served_by) == 2, written[-2000:]
    for i in range(20):
        line = rf'"GET /nie-ma/ HTTP/1.1" 404 \d+ \d+ms request_id=probe-{i:04d}-abc'
        assert re.search(line, written), written[-2000:]
    assert "90010112345" not in written
    assert "pesel" not in written

"""The embedded default under concurrent writes: `make run`'s SQLite database and runserver's
threads. Four votes of one owner at once, and four copies of one meter reading at once: every
request gets an answer (no "database is locked" server error) and each has exactly one effect."""

import http.cookiejar
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.utils import timezone

from tests.workers import free_port

PASSWORD = "demo-ebok-2026"  # README: every demo login's password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def embedded_env(db):
    # Only what `make run` has: no DATABASE_URL of the test run, no Redis, no broker.
    return {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{db}", "HOME": str(db.parent)}


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    db = folder / "db.sqlite3"
    env = embedded_env(db)
    for command in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/auth/login/", timeout=2).close()  # noqa: S310
            break
        except OSError:
            assert server.poll() is None, "runserver exited"
            assert time.monotonic() < deadline, "runserver did not start"
            time.sleep(0.3)
    yield base, db
    server.terminate()
    server.wait(timeout=30)


class Browser:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        handler = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(handler, NoRedirect)

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data, referer_path):
        request = urllib.request.Request(  # noqa: S310
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + referer_path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as answer:  # the redirect after a successful POST
            return answer.code

    def login(self, username):
        token = CSRF.search(self.get("/auth/login/")).group(1)
        status = self.post(
            "/auth/login/",
            {"csrfmiddlewaretoken": token, "login": username, "password": PASSWORD},
            "/auth/login/",
        )
        assert status == 302, f"{username} could not log in"
        return self


def at_once(calls):
    """Run the calls in threads released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        start.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def rows(db, sql, *params):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def test_four_votes_of_one_owner_at_once(portal):
    base, db = portal
    browser = Browser(base).login("wlasciciel")
    [(resolution_id,)] = rows(
        db, "SELECT id FROM resolutions_resolution WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    page = browser.get(f"/uchwaly/{resolution_id}/")
    token = CSRF.search(page).group(1)
    ballot = re.search(r'name="ballot" value="(\d+)"', page).group(1)
    path = f"/uchwaly/{resolution_id}/glosuj/"
    choices = ["for", "against", "abstain", "for"]
    answers = at_once(
        [
            lambda c=c: browser.post(
                path,
                {"csrfmiddlewaretoken": token, "ballot": ballot, f"b{ballot}-choice": c},
                f"/uchwaly/{resolution_id}/",
            )
            for c in choices
        ]
    )
    assert answers == [302] * 4  # each vote recorded, one after another; none a server error
    current = rows(
        db, "SELECT choice FROM resolutions_currentvote WHERE ballot_id = ?", int(ballot)
    )
    assert len(current) == 1  # one vote counts: the last one
    assert current[0][0] in choices
    assert rows(db, "SELECT COUNT(*) FROM resolutions_vote WHERE ballot_id = ?", int(ballot)) == [
        (4,)
    ]


def test_the_same_reading_sent_four_times_at_once_is_stored_once(portal):
    base, db = portal
    browser = Browser(base).login("najemca")
    [(meter_id, last)] = rows(
        db,
        "SELECT m.id, MAX(r.value) FROM meters_meter m "
        "JOIN meters_reading r ON r.meter_id = m.id "
        "JOIN accounts_account a ON a.premises_id = m.premises_id "
        "JOIN accounts_accountaccess x ON x.account_id = a.id "
        "JOIN accounts_user u ON u.id = x.user_id "
        "WHERE u.username = 'najemca' GROUP BY m.id ORDER BY m.id LIMIT 1",
    )
    before = rows(db, "SELECT COUNT(*) FROM meters_reading WHERE meter_id = ?", meter_id)[0][0]
    form_path = f"/liczniki/{meter_id}/odczyt/"
    page = browser.get(form_path)
    token = CSRF.search(page).group(1)
    once = re.search(r'name="token" value="([^"]+)"', page).group(1)
    value = f"{float(last) + 1.5:.3f}".replace(".", ",")
    data = {
        "csrfmiddlewaretoken": token,
        "token": once,
        "value": value,
        "read_on": timezone.localdate().isoformat(),
        "confirmed": "on",
    }
    answers = at_once([lambda: browser.post(form_path, data, form_path) for _ in range(4)])
    assert all(code in (200, 302) for code in answers), answers
    after = rows(db, "SELECT COUNT(*) FROM meters_reading WHERE meter_id = ?", meter_id)[0][0]
    assert after == before + 1

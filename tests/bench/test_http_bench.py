"""Benchmark: every resident page over HTTP under wrk at 32 connections on gunicorn
(DEBUG=false, PostgreSQL), next to a bare Django "hello" view served by the same gunicorn, with
the SQL queries and the rows the database read for one request of each; then 100 residents at
once for 60 s with no errors. The data: `seed_demo --scale 20000 --history-months 120`, and
ten years of the measured resident's life beyond money (resident_decade.py: two water meters
with monthly readings, 80 letters to BOK, 1,200 notifications and 100 notices, 60 fault
reports with their timelines); the pages a municipal tenant has not (invoices, water
settlements, resolutions) are measured for the demo residents who have them.

Goals (issue 30): every resident page at ≥ 25% of the hello view's throughput, and ≤ 500
rows read by one request whatever the length of the history; (issue 8) the dashboard at ≥ 10%
of hello, p99 < 100 ms; (issue 17) the balance, current charges, history, pay and QR pages
each at ≥ 60% of the dashboard's throughput with p99 < 150 ms, and the ledger summary rebuilt
and verified (goal ≤ 2 min). Prints the figures and whether each goal was met; fails only on
errors (non-2xx, socket errors) and on a summary that differs from the entries.
BENCH_ACCOUNTS, BENCH_HISTORY_MONTHS, BENCH_SECONDS (per page, default 10), BENCH_LOAD_SECONDS
(default 60) and BENCH_GUNICORN_WORKERS (default one per core, as gunicorn.conf.py) make it
smaller or bigger."""

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from billing.ledger.totals import summary_differences, summary_rebuild
from billing.water.models import Settlement
from resolutions.models import Resolution
from tests.clients import Client
from tests.services import require, require_postgres
from tests.workers import free_port, web_env

from .resident_decade import seed_decade

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", 20_000))
HISTORY_MONTHS = int(os.environ.get("BENCH_HISTORY_MONTHS", 120))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 60))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", os.cpu_count() or 2))  # gunicorn.conf.py
CONNECTIONS, LOAD_RESIDENTS = 32, 100
SHARE_GOAL, P99_GOAL_MS = 0.10, 100.0
MONEY_SHARE_GOAL, MONEY_P99_GOAL_MS = 0.60, 150.0  # of the dashboard's throughput
MONEY_PAGES = ["balance", "current charges", "payment history", "pay", "QR code"]
PAGE_SHARE_GOAL = 0.25  # issue 30: every resident page at ≥ 25% of the hello view
ROWS_GOAL = 500  # rows read by one request, whatever the length of the history


def session_cookie(user):
    """A logged-in session stored in the database, which the gunicorn workers read too."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def seconds(value, unit):
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, *, connections, duration, script=None, cookie=None):
    """Run wrk; returns (requests/s, p50 ms, p99 ms, requests, errors, timeouts)."""
    args = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency"]
    args += ["--timeout", "5s"]  # a slower answer counts as an error
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    if script:
        args += ["-s", str(script)]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, check=True, timeout=duration + 60
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = seconds(*re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups())
    p99 = seconds(*re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    timeouts = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        connect, read, write, timeouts = (int(n) for n in socket_errors.groups())
        errors += connect + read + write
    return rate, p50, p99, total, errors, timeouts


@pytest.fixture
def gunicorn(tmp_path):
    port = free_port()
    env = web_env(tmp_path, EBOK_BENCH_HELLO="true", LOG_LEVEL="WARNING", GUNICORN_ACCESS_LOG="")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ebok.wsgi:application", "--workers", str(WORKERS)]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/bench/hello/", timeout=2):  # noqa: S310
                break
        except OSError:
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def assert_page_answers(url, cookie):
    """wrk counts a redirect (e.g. to the login page) as success: check for a real 200 first."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
        assert response.status == 200, url


# Rows the database read: fetched through an index or scanned, from its statistics, flushed
# by this connection first (PostgreSQL 15); nothing else reads while the bench asks.
ROWS_READ = (
    "SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) FROM pg_stat_user_tables"
)


def rows_read():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(ROWS_READ)
        return cursor.fetchone()[0]


def cost_of(user, path):
    """(SQL queries, rows read) of a request in the steady state (not the first after logging
    in, which also writes the session and fills the cached list of accounts)."""
    client = Client()
    client.force_login(user)
    client.get(path)
    before = rows_read()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    rows = rows_read() - before
    assert response.status_code == 200, path
    return len(queries), rows


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: User | None  # None: the bare hello view


def resident_pages(resident, account, decade):
    """Every page a resident opens, with the objects of the measured resident (10 years of
    history); the pages a municipal tenant has not (invoices, water settlements, resolutions)
    with the demo residents who have them."""
    tenant, firm, owner = (User.objects.get(username=n) for n in ("najemca", "firma", "wlasciciel"))
    settlement = Settlement.objects.filter(account__accesses__user=tenant).latest("period_end")
    resolution = Resolution.objects.filter(status=Resolution.Status.OPEN).latest("pk")
    notification = resident.notifications.latest("created_at")
    pk = account.pk
    pages = [
        ("dashboard", reverse("dashboard"), resident),
        ("accounts", reverse("billing:index"), resident),
        ("account", reverse("account_detail", args=[pk]), resident),
        ("balance", reverse("billing:balance", args=[pk]), resident),
        ("current charges", reverse("billing:current", args=[pk]), resident),
        ("payment history", reverse("billing:history", args=[pk]), resident),  # this year's
        ("pay", reverse("billing:pay", args=[pk]), resident),
        ("QR code", reverse("billing:pay_qr", args=[pk]), resident),
        ("certificate", reverse("billing:certificate", args=[pk]), resident),
        ("meters", reverse("meters:index"), resident),
        ("a meter", reverse("meters:detail", args=[decade.meter.pk]), resident),
        ("reading form", reverse("meters:submit", args=[decade.meter.pk]), resident),
        ("messages", reverse("messaging:thread_list"), resident),
        ("a thread", reverse("messaging:thread_detail", args=[decade.thread.pk]), resident),
        ("new message", reverse("messaging:thread_new"), resident),
        ("inbox", reverse("messaging:notification_list"), resident),
        (
            "a notification",
            reverse("messaging:notification_detail", args=[notification.pk]),
            resident,
        ),
        ("e-mail settings", reverse("messaging:preferences"), resident),
        ("faults", reverse("faults:index"), resident),
        ("a fault", reverse("faults:detail", args=[decade.fault.pk]), resident),
        ("new fault", reverse("faults:new"), resident),
        ("profile", reverse("profile"), resident),
        ("my data", reverse("privacy:index"), resident),
        ("water settlements", reverse("billing:water"), tenant),
        ("a settlement", reverse("billing:water_detail", args=[settlement.pk]), tenant),
        ("invoices", reverse("billing:invoices"), firm),
        ("resolutions", reverse("resolutions:index"), owner),
        ("a resolution", reverse("resolutions:detail", args=[resolution.pk]), owner),
    ]
    return [Page("hello", "/bench/hello/", None)] + [Page(*page) for page in pages]


def measure(base, pages):
    """{name: (req/s, p50, p99, requests, errors, timeouts, queries, rows read)}. Each page's
    queries and rows first, while gunicorn is idle: its statistics would be counted too."""
    costs = {page.name: cost_of(page.user, page.path) if page.user else (0, 0) for page in pages}
    cookies = {}
    found = {}
    for page in pages:
        jar = None  # hello: bare, no session to load or save
        if page.user is not None:
            jar = cookies.setdefault(page.user.pk, session_cookie(page.user))
            assert_page_answers(base + page.path, jar)
        found[page.name] = (
            *wrk(base + page.path, connections=CONNECTIONS, duration=SECONDS, cookie=jar),
            *costs[page.name],
        )
    return found


def pages_report(found):
    """The table of pages and the goals' verdicts, as lines."""
    hello_rate = found["hello"][0]
    lines = [
        f"  {'page':<18} {'req/s':>7} {'of hello':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'SQL':>4} {'rows':>6} {'errors':>6} {'>5 s':>5}"
    ]
    for name, (rate, p50, p99, _total, errors, timeouts, count, rows) in found.items():
        lines.append(
            f"  {name:<18} {rate:7.0f} {rate / hello_rate:8.0%} {p50:7.1f} {p99:7.1f} "
            f"{count:>4} {rows:>6} {errors:>6} {timeouts:>5}"
        )
    slow = [n for n, row in found.items() if n != "hello" and row[0] / hello_rate < PAGE_SHARE_GOAL]
    heavy = [n for n, row in found.items() if row[7] > ROWS_GOAL]
    lines.append(
        f"  goal: every resident page ≥ {PAGE_SHARE_GOAL:.0%} of hello: "
        + ("met" if not slow else "NOT met by " + ", ".join(slow))
    )
    lines.append(
        f"  goal: every page reads ≤ {ROWS_GOAL} rows: "
        + ("met" if not heavy else "NOT met by " + ", ".join(heavy))
    )
    dash_rate, _, dash_p99, *_ = found["dashboard"]
    lines.append(
        f"  goals: dashboard ≥ {SHARE_GOAL:.0%} of hello: "
        f"{'met' if dash_rate / hello_rate >= SHARE_GOAL else 'NOT met'}; dashboard p99 < "
        f"{P99_GOAL_MS:.0f} ms: {'met' if dash_p99 < P99_GOAL_MS else 'NOT met'}"
    )
    lines.append(
        f"  goals: each money page ≥ {MONEY_SHARE_GOAL:.0%} of the dashboard and p99 < "
        f"{MONEY_P99_GOAL_MS:.0f} ms: "
        + ", ".join(
            f"{name} {found[name][0] / dash_rate:.0%} / {found[name][2]:.0f} ms "
            + (
                "met"
                if found[name][0] / dash_rate >= MONEY_SHARE_GOAL
                and found[name][2] < MONEY_P99_GOAL_MS
                else "NOT met"
            )
            for name in MONEY_PAGES
        )
    )
    return lines


def test_pages_under_wrk_next_to_hello(gunicorn, tmp_path):
    require_postgres()
    require(shutil.which("wrk") is not None, "wrk (Debian package wrk; make bench installs it)")
    start = time.perf_counter()
    call_command(
        "seed_demo",
        "--scale",
        str(ACCOUNTS),
        "--history-months",
        str(HISTORY_MONTHS),
        stdout=io.StringIO(),
    )
    resident = User.objects.get(username="mieszkaniec00001")
    account = resident.account_accesses.get().account
    decade = seed_decade(resident, account)
    with connection.cursor() as cursor:
        # A database in service, not one just bulk-loaded: autovacuum would otherwise pass over
        # the 10 million new rows during the measurement.
        cursor.execute("VACUUM ANALYZE")
    setup = time.perf_counter() - start
    start = time.perf_counter()
    differed = summary_rebuild()
    assert not summary_differences()
    rebuild = time.perf_counter() - start

    found = measure(gunicorn, resident_pages(resident, account, decade))

    # 100 residents at once, each with their own session, for LOAD_SECONDS.
    residents = User.objects.filter(username__startswith="mieszkaniec").order_by("username")
    cookies = [session_cookie(u) for u in residents[:LOAD_RESIDENTS]]
    script = Path(tempfile.mkstemp(suffix=".lua", dir=tmp_path)[1])
    script.write_text(
        "local cookies = {" + ", ".join(f'"{c}"' for c in cookies) + "}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #cookies + 1\n"
        '  return wrk.format("GET", "/", {Cookie = cookies[i]})\n'
        "end\n"
    )
    for one in (cookies[0], cookies[-1]):
        assert_page_answers(gunicorn + "/", one)
    load = wrk(gunicorn + "/", connections=len(cookies), duration=LOAD_SECONDS, script=script)

    print(
        f"\nHTTP under wrk, {CONNECTIONS} connections × {SECONDS} s, gunicorn {WORKERS} workers, "
        f"DEBUG=false; {ACCOUNTS} scale accounts, {HISTORY_MONTHS} months of history "
        f"(set-up {setup:.0f} s); SQL queries and rows read by one request"
    )
    print("\n".join(pages_report(found)))
    print(
        f"  ledger summary rebuilt and verified in {rebuild:.1f} s (goal ≤ 120 s; "
        f"{differed.months} month rows differed before)\n"
        f"  load: {len(cookies)} residents × {LOAD_SECONDS} s on the dashboard: {load[3]} "
        f"requests, {load[0]:.0f} req/s, p50 {load[1]:.1f} ms, p99 {load[2]:.1f} ms, "
        f"{load[4]} errors, {load[5]} over 5 s (goal 0)"
    )
    # A slow page is a figure to read (its timeouts are printed); a wrong answer is a failure.
    assert all(row[4] == 0 for row in found.values()), found
    assert len(cookies) == min(LOAD_RESIDENTS, ACCOUNTS)
    assert load[3] > 0
    assert load[4] == 0, load  # 100 residents: no errors
    assert load[5] == 0, load

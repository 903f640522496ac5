"""Production topology smoke test: gunicorn, a Celery worker and Celery beat with DEBUG=false
against a fresh PostgreSQL database and Redis, driven through plain HTTP like a browser.

Run: .venv/bin/python scripts/smoke_production.py   (CI runs it after `make test`)

Environment (all optional): SMOKE_PG_URL (server, default postgres://postgres@127.0.0.1:5432),
SMOKE_DB (default ebok_smoke), SMOKE_REDIS_URL (default redis://127.0.0.1:6379/14),
SMOKE_TIMEOUT (seconds for the whole run, default 180), SMOKE_KEEP=1 keeps the temp dir.
Exits non-zero with a message on the first failure; always stops the processes it started and
drops its database.
"""

import email
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import datetime
from decimal import Decimal
from email.header import decode_header, make_header
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import redis
from psycopg import sql
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent))
import smoke_security
from http_browser import Browser, SmokeFailure, check

BASE_DIR = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_URL = os.environ.get("SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("SMOKE_DB", "ebok_smoke")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14")
TIMEOUT = float(os.environ.get("SMOKE_TIMEOUT", "180"))
START = time.monotonic()
MAIL_SEPARATOR = b"-" * 79
WARSAW = ZoneInfo("Europe/Warsaw")  # the app's TIME_ZONE: its "today"


def left():
    return START + TIMEOUT - time.monotonic()


def wait_for(condition, what, timeout=60.0, every=0.5):
    started = time.monotonic()
    deadline = started + min(timeout, max(left(), 1))
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise SmokeFailure(f"gave up after {time.monotonic() - started:.0f}s waiting for {what}")


def step(text):
    print(f"[{time.monotonic() - START:6.1f}s] {text}", flush=True)


# -- HTML forms -----------------------------------------------------------------------------


# -- processes --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, what):
    step(what)
    done = subprocess.run(  # noqa: S603 - fixed commands of this script
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=max(left(), 1)
    )
    if done.returncode:
        raise SmokeFailure(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


class Processes:
    def __init__(self, logs):
        self.logs, self.running = logs, []

    def start(self, name, args, env):
        log = open(self.logs / f"{name}.log", "wb")
        process = subprocess.Popen(  # noqa: S603 - fixed commands of this script
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((name, process, log))
        return process

    def check_alive(self):
        for name, process, _ in self.running:
            check(process.poll() is None, f"{name} exited with {process.returncode}")

    def stop(self):
        for _, process, _ in self.running:
            if process.poll() is None:
                process.terminate()  # the main process stops its own children
        for name, process, log in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                print(f"{name} did not stop on SIGTERM: killed", file=sys.stderr)
            log.close()

    def tail(self):
        for name, _, _ in self.running:
            text = (self.logs / f"{name}.log").read_text(errors="replace")
            print(f"--- {name} log (last lines) ---\n{text[-3000:]}", file=sys.stderr)


# -- the database and the mailbox --------------------------------------------------------------


def admin_connection():
    return psycopg.connect(f"{PG_URL}/postgres", autocommit=True)


def recreate_database(drop_only=False):
    with admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def query(statement, *params):
    with psycopg.connect(f"{PG_URL}/{DB_NAME}") as conn:
        return conn.execute(statement, params).fetchall()


def mails(folder: Path):
    found = []
    for path in sorted(folder.iterdir()):
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip())
                found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
    return found


# -- the resident's journey --------------------------------------------------------------------


def tenant_journey(base):
    step("najemca logs in and sees the dashboard")
    tenant = Browser(base, tls_proxy=True).login("najemca")
    tenant.open("/")
    check(
        tenant.path == "/" and 'href="/liczniki/"' in tenant.text,
        f"the dashboard did not show (at {tenant.path})",
    )
    check("Krawczyk" in tenant.text or "Tomasz" in tenant.text, "the dashboard lacks the name")

    step("najemca submits a cold water reading")
    meter_id, last_value, last_on = query(
        "SELECT m.id, r.value, r.read_on FROM meters_meter m JOIN meters_reading r "
        "ON r.meter_id = m.id WHERE m.serial_number = 'ZW-1001' ORDER BY r.read_on DESC LIMIT 1"
    )[0]
    days = max((datetime.now(WARSAW).date() - last_on).days, 1)
    value = (last_value + Decimal("0.08") * days).quantize(Decimal("0.001"))
    typed = f"{value:.3f}".replace(".", ",")
    tenant.open(f"/liczniki/{meter_id}/odczyt/")
    tenant.submit(tenant.form(rf"^/liczniki/{meter_id}/odczyt/$"), {"value": typed})
    if tenant.path.endswith("/odczyt/") and 'name="confirmed"' in tenant.text:
        step("  the reading asks for confirmation: confirming")
        tenant.submit(tenant.form(r"/odczyt/$"), {"value": typed, "confirmed": "on"})
    check(
        tenant.path == f"/liczniki/{meter_id}/",
        f"the reading was not accepted (at {tenant.path}): {errors_in(tenant.text)}",
    )
    check(
        query(
            "SELECT 1 FROM meters_reading WHERE meter_id = %s AND value = %s AND source <> 'staff'",
            meter_id,
            value,
        ),
        f"reading {typed} not stored",
    )

    step("najemca reports an emergency fault")
    title = f"Zalane mieszkanie {secrets.token_hex(3)}"
    tenant.open("/awarie/nowa/")
    tenant.submit(
        tenant.form(r"^/awarie/nowa/$"),
        {
            "title": title,
            "description": "Woda leje się z sufitu w łazience.",
            "contact_phone": "600 100 200",
            "emergency": "on",
        },
    )
    match = re.fullmatch(r"/awarie/(\d+)/", tenant.path)
    check(match, f"the fault was not reported (at {tenant.path}): {errors_in(tenant.text)}")
    check(title in tenant.text, "the fault page does not show its title")
    return int(match.group(1)), title


def owner_journey(base):
    step("wlasciciel votes in the open resolution 2/2026")
    (resolution_id,) = query(
        "SELECT id FROM resolutions_resolution WHERE number = '2/2026' AND status = 'open'"
    )[0]
    owner = Browser(base, tls_proxy=True).login("wlasciciel")
    owner.open(f"/uchwaly/{resolution_id}/")
    form = owner.form(rf"^/uchwaly/{resolution_id}/glosuj/$")
    choice = next(name for name in form["radios"] if name.endswith("choice"))
    check("for" in form["radios"][choice], f"no 'for' choice in {form['radios']}")
    owner.submit(form, {choice: "for"})
    check(
        owner.path == f"/uchwaly/{resolution_id}/",
        f"the vote was refused (at {owner.path}): {errors_in(owner.text)}",
    )
    votes = query(
        "SELECT count(*) FROM resolutions_vote v JOIN resolutions_ballot b "
        "ON b.id = v.ballot_id WHERE b.resolution_id = %s AND v.choice = 'for'",
        resolution_id,
    )[0][0]
    check(votes >= 1, "the vote is not stored")


def company_journey(base):
    step("firma downloads an invoice PDF rendered by the worker")
    invoice_id, number = query(
        "SELECT i.id, i.number FROM billing_invoice i JOIN accounts_account a "
        "ON a.id = i.account_id WHERE a.number = '1005' ORDER BY i.id LIMIT 1"
    )[0]
    company = Browser(base, tls_proxy=True).login("firma")
    company.open("/faktury/")
    check(f"/faktury/{invoice_id}/pdf/" in company.text, "the invoice list lacks the invoice")

    def pdf():
        company.open(f"/faktury/{invoice_id}/pdf/")
        return company.headers.get_content_type() == "application/pdf" and company.body

    content = wait_for(pdf, f"invoice {number} to be rendered", timeout=90, every=1)
    check(content.startswith(b"%PDF"), "the invoice download is not a PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    check(number in text, f"the PDF does not contain the invoice number {number}")
    return number


def errors_in(html):
    found = re.findall(r'<(p|div|li)[^>]*class="[^"]*error[^"]*"[^>]*>(.*?)</\1>', html, re.S)
    texts = (" ".join(re.sub(r"<[^>]+>", " ", inner).split()) for _, inner in found)
    return "; ".join(t for t in texts if t)[:500] or "(no error shown)"


def check_mail(mailbox, fault_id, title):
    step("checking the e-mails in the mail folder")

    def all_sent():
        pending = query(
            "SELECT count(*) FROM messaging_notification WHERE email_status = 'pending'"
        )[0][0]
        duty = query("SELECT email_status FROM faults_faultreport WHERE id = %s", fault_id)[0][0]
        return pending == 0 and duty == "sent"

    wait_for(all_sent, "the worker to send every pending e-mail", timeout=60)
    sent = [
        tuple(row)
        for row in query(
            "SELECT u.email, n.subject FROM messaging_notification n JOIN accounts_user u "
            "ON u.id = n.user_id WHERE n.email_status = 'sent'"
        )
    ]
    got = mails(mailbox)
    check(sent, "no notification e-mail was sent")
    # A person with two accounts may get two notices with one subject: compare as multisets.
    expected, arrived = Counter(sent), Counter(got)
    for (address, subject), times in expected.items():
        copies = arrived[address, subject]
        check(
            copies == times,
            f"e-mail {subject!r} to {address} arrived {copies} times, {times} expected",
        )
    duty = [s for to, s in got if to == "dyzur@zbm.example.pl" and title in s]
    check(len(duty) == 1, f"the duty e-mail for the fault arrived {len(duty)} times")
    return len(got)


# -- main ---------------------------------------------------------------------------------------



def probes(base):
    """The load balancer's view: plain HTTP by the container's address, no proxy headers."""
    step("probes: /health/live and /health/ready, plain HTTP, a host not in ALLOWED_HOSTS")
    for path in ("/health/live", "/health/ready"):
        request = urllib.request.Request(  # noqa: S310
            f"{base}{path}", headers={"Host": "10.0.0.7:8000"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        if status != 200:
            raise SmokeFailure(f"{path} answered {status}: {body}")
    if '"redis": "ok"' not in body or '"migrations": "ok"' not in body:
        raise SmokeFailure(f"/health/ready did not check everything: {body}")


def main():
    temp = Path(tempfile.mkdtemp(prefix="ebok-smoke-"))
    mailbox, media, logs = temp / "mail", temp / "media", temp / "logs"
    for folder in (mailbox, media, logs):
        folder.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(temp, base, mailbox, media)
    processes = Processes(logs)
    ok = False
    try:
        prepare(env, temp)
        step(f"starting gunicorn on {base}, a Celery worker and Celery beat")
        start_processes(processes, env, port, temp / "celerybeat-schedule")
        summary = journeys(base, mailbox, processes)
        ok = True
        print(
            f"SMOKE OK in {time.monotonic() - START:.0f}s: {summary}, security headers, "
            f"__Host- cookies, 405s and staff two-factor login (gunicorn ×2 workers, Celery "
            f"worker, beat; DEBUG=false)."
        )
    except (SmokeFailure, subprocess.TimeoutExpired, psycopg.Error, redis.RedisError) as error:
        print(f"SMOKE FAILED after {time.monotonic() - START:.0f}s: {error}", file=sys.stderr)
    finally:
        processes.stop()
        if not ok:
            processes.tail()
        try:
            recreate_database(drop_only=True)
        except psycopg.Error as error:
            print(f"could not drop {DB_NAME}: {error}", file=sys.stderr)
        if os.environ.get("SMOKE_KEEP") != "1":
            shutil.rmtree(temp, ignore_errors=True)
    return 0 if ok else 1


def environment(temp, base, mailbox, media) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(temp),
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base,
        # As in production: behind one TLS-terminating proxy (the browsers here send what it
        # would: X-Forwarded-Proto and X-Forwarded-For), with Secure __Host- cookies.
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "EMAIL_URL": f"filemail:///{mailbox}",
        "MEDIA_ROOT": str(media),
        "STATIC_ROOT": str(temp / "static"),
    }


def prepare(env, temp):
    """A fresh database, migrated and seeded (its tasks queued in a flushed Redis)."""
    step(f"fresh database {DB_NAME}, Redis {REDIS_URL} flushed, temp dir {temp}")
    recreate_database()
    redis.Redis.from_url(REDIS_URL).flushdb()
    manage = [PY, "manage.py"]
    run([*manage, "migrate", "--no-input"], env, "migrate")
    run([*manage, "collectstatic", "--no-input"], env, "collectstatic")
    run([*manage, "check", "--deploy", "--fail-level", "ERROR"], env, "check --deploy")
    run([*manage, "seed_demo"], env, "seed_demo (tasks queued in Redis)")


def start_processes(processes, env, port, beat_schedule):
    gunicorn = ["-m", "gunicorn", "ebok.wsgi:application", "--workers", "2"]
    processes.start(
        "gunicorn", [PY, *gunicorn, "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"], env
    )
    celery = [PY, "-m", "celery", "-A", "ebok"]
    processes.start(
        "worker",
        [
            *celery, "worker", "-l", "info", "--concurrency", "2", "-n", f"smoke-{port}@%h",
            "--without-gossip", "--without-mingle",
        ],
        env,
    )
    processes.start(
        "beat", [*celery, "beat", "-l", "info", "--schedule", str(beat_schedule)], env
    )


def journeys(base, mailbox, processes) -> str:
    """Once gunicorn answers: the security checks and each person's journey, then the mail.
    Returns what was seen, for the closing line."""

    def answers():
        processes.check_alive()
        try:
            probe = Browser(base, tls_proxy=True).request(f"{base}/auth/login/")
            with urllib.request.urlopen(probe, timeout=2) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    wait_for(answers, "gunicorn to answer /auth/login/", timeout=30)
    probes(base)
    smoke_security.run(base, step)
    fault_id, title = tenant_journey(base)
    owner_journey(base)
    number = company_journey(base)
    count = check_mail(mailbox, fault_id, title)
    processes.check_alive()
    return (
        f"dashboard, reading, emergency fault #{fault_id}, vote, invoice {number} PDF from the "
        f"worker, {count} e-mails each delivered once"
    )


if __name__ == "__main__":
    sys.exit(main())

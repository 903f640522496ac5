"""Two web nodes and a worker share one bucket (issue #30, point 1): two gunicorn processes
(DEBUG=false), each with a local MEDIA_ROOT of its own, and a real Celery worker with a third,
all configured (STORAGE_S3_*) to one bucket on a real S3 API server (moto's server, tests/s3.py),
on the test's PostgreSQL and Redis. A request may land on either node, as behind a load
balancer: what one node or the worker stored, the other node serves, and nothing lands on a
node's own disk.

The processes start once for the module (~20 s); each test then takes a few seconds."""

import datetime
import io
import json
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.invoices.services import invoice_issue_for_month
from billing.models import Invoice, Payment, StatementImport, StatementPdf
from ebok.celery import app
from faults.models import FaultPhoto
from messaging.models import ThreadMessage
from meters.models import Reading
from privacy.models import DataExport
from scripts.http_browser import Browser, SmokeFailure
from tests.billing.factories import ChargeFactory
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.billing.statements import DATA
from tests.clients import Client
from tests.factories import AccountFactory, StaffFactory
from tests.meters.conftest import jpeg_bytes
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory
from tests.s3 import S3Server
from tests.services import require_postgres, require_redis
from tests.workers import free_port, start_worker, wait_for, web_env, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUCKET = "ebok-nodes"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Cluster:
    node1: str
    node2: str
    s3: S3Server

    def keys(self, prefix=""):
        return self.s3.keys(BUCKET, prefix)

    def stored(self, name):
        return self.s3.read(BUCKET, name)


@pytest.fixture(scope="module")
def cluster(django_db_setup, tmp_path_factory):
    require_postgres()
    require_redis()
    folder = tmp_path_factory.mktemp("nodes")
    media = [folder / "media", folder / "media2", folder / "media-worker"]
    for path in media:
        path.mkdir()
    ports = free_port(), free_port()
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    processes = []

    def start(env, *args):
        processes.append(
            subprocess.Popen([sys.executable, "-m", *args], cwd=settings.BASE_DIR, env=env)
        )

    with S3Server() as s3:
        s3.create_bucket(BUCKET)
        common = {"SITE_URL": bases[0], "LOG_LEVEL": "WARNING", **s3.env(BUCKET)}
        app.control.purge()
        try:
            # The worker starts while the static files are collected (it needs them to draw).
            worker = {**worker_env(media=media[2]), "DEBUG": "false", **common}
            worker["STATIC_ROOT"] = str(folder / "static")
            processes.append(start_worker(worker, f"nodes-{ports[0]}@%h", "--pool", "solo"))
            node1 = web_env(folder, **common)
            node2 = {**node1, "MEDIA_ROOT": str(media[1])}
            for env, port in [(node1, ports[0]), (node2, ports[1])]:
                bind = f"127.0.0.1:{port}"
                start(env, "gunicorn", "ebok.wsgi:application", "--workers", "1", "--bind", bind)
            for base in bases:
                wait_for(lambda base=base: answers(base), f"gunicorn at {base}", timeout=60)
            wait_for(lambda: app.control.ping(timeout=0.5), "the worker to start", timeout=60)
            yield Cluster(*bases, s3)
        finally:
            for process in processes:
                process.send_signal(signal.SIGQUIT)  # gunicorn and Celery: stop at once
            for process in processes:
                process.wait(timeout=30)
    # Every file went to the bucket; no node kept one on its own disk.
    assert [p for path in media for p in path.rglob("*") if p.is_file()] == []


@pytest.fixture(autouse=True)
def _queues_bound(_clear_cache):
    """cache.clear() (conftest) flushed the Redis database the broker shares, and with it the
    queues' bindings; the processes that already declared them would publish to no queue."""
    with app.connection_for_write() as connection:
        for queue in app.amqp.queues.values():
            queue(connection.default_channel).declare()


def answers(base):
    try:
        Browser(base).open("/auth/login/")
        return True
    except OSError:
        return False


def browser_of(user, base):
    """`user`'s browser, logged in; it reaches both nodes (cookies do not depend on the port)."""
    client = Client()
    client.force_login(user)  # a session in the database both nodes read
    browser = Browser(base)
    name = settings.SESSION_COOKIE_NAME
    browser.set_cookie(name, client.cookies[name].value)
    return browser


def on(browser, base):
    """The next request of the page now shown goes to the node at `base`."""
    browser.url = base + browser.path
    return browser


def get(browser, base, path):
    return browser.open(base + path)


def test_meter_photos_and_the_unusual_reading_confirmed_on_the_other_node(cluster, owner, account):
    today = timezone.localdate()
    WindowFactory(
        starts_on=today - datetime.timedelta(days=5), ends_on=today + datetime.timedelta(days=5)
    )
    meter = MeterFactory(premises=account.premises, serial_number="ZW-1")
    browser = browser_of(owner, cluster.node1)
    photo = jpeg_bytes()

    get(browser, cluster.node1, reverse("meters:submit", args=[meter.pk]))
    browser.submit(
        browser.form(r"/odczyt/$"),
        {"value": "12,5", "read_on": today.isoformat(), "photo": ("m.jpg", photo, "image/jpeg")},
    )
    reading = Reading.objects.get(meter=meter)
    assert cluster.keys("meters/photos/") == [reading.photo.name]
    shown = get(browser, cluster.node2, reverse("meters:photo", args=[reading.pk]))
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.body == cluster.stored(reading.photo.name)
    assert shown.body[:2] == b"\xff\xd8"

    # Unusual: the photo is kept between the two steps, which land on different nodes.
    other = MeterFactory(premises=account.premises, serial_number="ZW-2")
    ReadingFactory(meter=other, value=D("123.450"), read_on=today - datetime.timedelta(days=30))
    get(browser, cluster.node1, reverse("meters:submit", args=[other.pk]))
    browser.submit(
        browser.form(r"/odczyt/$"),
        {"value": "1234,5", "read_on": today.isoformat(), "photo": ("m.jpg", photo, "image/jpeg")},
    )
    assert 'name="confirmed"' in browser.text
    assert len(cluster.keys("meters/pending/")) == 1
    on(browser, cluster.node2).submit(browser.form(r"/odczyt/$"), {"confirmed": "on"})
    unusual = Reading.objects.get(meter=other, value=D("1234.5"))
    assert unusual.status == "flagged"
    assert unusual.photo
    assert cluster.stored(unusual.photo.name)[:2] == b"\xff\xd8"
    assert cluster.keys("meters/pending/") == []  # taken when the reading was stored
    shown = get(browser, cluster.node1, reverse("meters:photo", args=[unusual.pk]))
    assert shown.body == cluster.stored(unusual.photo.name)


def test_fault_photo_and_message_attachment_served_by_the_other_node(cluster, owner, account):
    clerk = StaffFactory(groups=["BOK"])
    browser = browser_of(owner, cluster.node1)
    get(browser, cluster.node1, reverse("faults:new"))
    browser.submit(
        browser.form(r"^/awarie/nowa/$"),
        {
            "title": "Cieknie kaloryfer",
            "description": "Od wczoraj kapie.",
            "contact_phone": "600 100 200",
            "photos": ("kaloryfer.jpg", jpeg_bytes(), "image/jpeg"),
        },
    )
    photo = FaultPhoto.objects.get(report__reporter=owner)
    assert cluster.keys("faults/") == [photo.image.name]
    shown = get(browser, cluster.node2, reverse("faults:photo", args=[photo.pk]))
    assert shown.body == cluster.stored(photo.image.name)
    staff = browser_of(clerk, cluster.node2)
    seen = get(staff, cluster.node2, reverse("admin:faults_faultphoto_view", args=[photo.pk]))
    assert seen.body == shown.body

    get(browser, cluster.node2, reverse("messaging:thread_new"))
    browser.submit(
        browser.form(r"^/wiadomosci/nowa/$"),
        {
            "topic": "contract",
            "subject": "Umowa",
            "text": "Skan.",
            "attachment": ("u.pdf", PDF, "application/pdf"),
        },
    )
    message = ThreadMessage.objects.get(thread__account=account)
    assert cluster.stored(message.attachment.name) == PDF
    url = reverse("messaging:message_attachment", args=[message.thread_id, message.pk])
    assert get(browser, cluster.node1, url).body == PDF
    url = reverse("admin:messaging_thread_attachment", args=[message.thread_id, message.pk])
    assert get(staff, cluster.node1, url).body == PDF


def test_my_data_built_by_the_worker_downloaded_from_the_other_node(cluster, owner):
    browser = browser_of(owner, cluster.node1)
    get(browser, cluster.node1, reverse("privacy:index"))
    browser.submit(browser.form(r"^/moje-dane/$"), {})
    export = DataExport.objects.get(user=owner)
    wait_for(
        lambda: DataExport.objects.filter(pk=export.pk, status="done").exists(),
        "the worker to build the export",
        timeout=60,
    )
    export.refresh_from_db()
    assert cluster.keys("exports/") == [export.file.name]
    zipped = get(browser, cluster.node2, reverse("privacy:download", args=[export.pk])).body
    data = json.loads(zipfile.ZipFile(io.BytesIO(zipped)).read("dane.json"))
    assert data["profile"]["login"] == owner.username


def test_a_pdf_statement_asked_on_node_1_is_served_by_node_2(cluster, owner, account):
    today = timezone.localdate()
    ChargeFactory(account=account, amount=D("275.00"), due_date=today.replace(day=1))
    browser = browser_of(owner, cluster.node1)
    asked = reverse("billing:history_pdf", args=[account.pk]) + "?rok=all"
    page = get(browser, cluster.node1, asked)  # redirected to the statement's page
    statement = StatementPdf.objects.get(account=account)
    assert page.path == reverse("billing:statement", args=[statement.pk])
    wait_for(
        lambda: StatementPdf.objects.filter(pk=statement.pk, pdf_status="done").exists(),
        "the worker to draw the statement",
        timeout=60,
    )
    statement.refresh_from_db()
    assert cluster.keys("statements/") == [statement.pdf_file.name]
    ready = get(browser, cluster.node2, reverse("billing:statement", args=[statement.pk])).text
    assert 'http-equiv="refresh"' not in ready
    pdf = get(browser, cluster.node2, reverse("billing:statement_pdf", args=[statement.pk])).body
    assert pdf == cluster.stored(statement.pdf_file.name)
    assert "do zapłaty 275,00 zł" in " ".join(
        PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()
    )


def test_a_statement_uploaded_on_node_2_is_imported_by_the_worker(cluster):
    account = AccountFactory(number="0012345")
    clerk = StaffFactory(groups=["Księgowość"])
    browser = browser_of(clerk, cluster.node2)
    get(browser, cluster.node2, reverse("admin:billing_statementimport_add"))
    data = (DATA / "mt940_mbank_iph_iso8859-2.sta").read_bytes()
    browser.submit(
        browser.form(r"/statementimport/add/$"),
        {"file": ("wyciag.sta", data, "application/octet-stream")},
    )
    statement = StatementImport.objects.get()
    wait_for(
        lambda: StatementImport.objects.filter(pk=statement.pk, status="done").exists(),
        "the worker to import the statement",
        timeout=60,
    )
    statement.refresh_from_db()
    assert (statement.error, statement.lines_new) == ("", 2)
    assert Payment.objects.get(account=account).amount == D("450.00")
    assert cluster.stored(statement.file.name) == data


def test_an_invoice_pdf_drawn_once_and_served_by_both_nodes(cluster):
    access = commercial_access()
    month_charges(access.account)
    invoice = invoice_issue_for_month(account=access.account, period=PERIOD)
    wait_for(
        lambda: Invoice.objects.filter(pk=invoice.pk, pdf_status="done").exists(),
        "the worker to render the PDF",
        timeout=60,
    )
    invoice.refresh_from_db()
    browser = browser_of(access.user, cluster.node2)
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    first = get(browser, cluster.node2, url).body
    second = get(browser, cluster.node1, url).body
    assert first == second == cluster.stored(invoice.pdf_file.name)
    assert invoice.number in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    clerk = browser_of(StaffFactory(groups=["Księgowość"]), cluster.node1)
    staff_url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    assert get(clerk, cluster.node1, staff_url).body == first
    # Served from the bucket, never drawn again: exactly one object for the invoice.
    assert Invoice.objects.get(pk=invoice.pk).pdf_file.name == invoice.pdf_file.name
    assert cluster.keys("invoices/") == [invoice.pdf_file.name]


def test_a_missing_object_is_a_page_not_a_500(cluster, owner, account):
    today = timezone.localdate()
    WindowFactory(starts_on=today, ends_on=today)
    meter = MeterFactory(premises=account.premises)
    reading = ReadingFactory(meter=meter, read_on=today, photo="meters/photos/gone.jpg")
    browser = browser_of(owner, cluster.node1)
    with pytest.raises(SmokeFailure, match="404"):
        get(browser, cluster.node1, reverse("meters:photo", args=[reading.pk]))
    assert "archiwum" in browser.text

"""The whole KSeF flow in real processes: an invoice issued and committed here, a Celery worker
that authenticates, opens a session, sends it encrypted, asks its status and keeps the KSeF
number and UPO, against the KSeF test peer running as its own process (tests/ksef/peer.py,
which checks every request against the official open-api.json). Then an outage: the worker
issues the next invoice offline, and the sweeper sends it once KSeF is back."""

import base64
import json
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings as django_settings

from billing.invoices.services import invoice_issue_for_month
from billing.invoices.tasks import invoices_ksef_sweep
from billing.ksef.client import is_valid_ksef_number
from billing.models import Invoice
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.workers import free_port, running_worker, wait_for, worker_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TOKEN = "TOKEN-WORKER-TEST"


@pytest.fixture
def peer_process():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ksef.peer", "--port", str(port),
         "--nip", django_settings.MANAGER_NIP, "--token", TOKEN],
        cwd=django_settings.BASE_DIR, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def peer_call(root, path, data=None):
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(  # noqa: S310 - the local peer, over http
        root + path, data=body, method="POST" if body else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local peer
        raw = response.read()
    return json.loads(raw) if raw else None


@pytest.fixture
def ksef_worker(peer_process, media, settings):
    ksef = {
        "KSEF_ENV": "test",
        "KSEF_API_URL": peer_process + "/v2",
        "KSEF_TOKEN": TOKEN,
        "KSEF_TIMEOUT": "3",
    }
    for name, value in ksef.items():
        setattr(settings, name, value if name != "KSEF_TIMEOUT" else float(value))
    with running_worker({**worker_env(media=media), **ksef}, "ksef@%h") as process:
        yield peer_process, process


def issue(username):
    account = commercial_access(username).account
    month_charges(account)
    return invoice_issue_for_month(account=account, period=PERIOD)


def test_a_worker_sends_the_invoice_and_catches_up_after_an_outage(ksef_worker):
    root, _process = ksef_worker
    invoice = issue("firma")
    wait_for(lambda: Invoice.objects.filter(pk=invoice.pk, ksef_status="accepted").exists(),
             "the KSeF number", timeout=60)
    invoice = Invoice.objects.select_related("fa3").get(pk=invoice.pk)
    assert is_valid_ksef_number(invoice.ksef_number)
    assert invoice.ksef_number.encode() in bytes(invoice.fa3.upo)
    state = peer_call(root, "/_peer/state")
    assert state["errors"] == []
    sent = [base64.b64decode(xml) for xml in state["invoices"].values()]
    assert sent == [bytes(invoice.fa3.xml)]  # decrypted by the peer: the stored bytes
    wait_for(lambda: Invoice.objects.filter(pk=invoice.pk, pdf_status="done").exists(),
             "the PDF with the KSeF number", timeout=60)

    peer_call(root, "/_peer/config", {"outage": True})
    second = issue("drugafirma")
    wait_for(lambda: Invoice.objects.filter(pk=second.pk, ksef_status="offline").exists(),
             "the invoice to be issued offline", timeout=60)
    second.refresh_from_db()
    assert second.offline_until is not None
    assert second.offline_until > second.issue_date
    peer_call(root, "/_peer/config", {"outage": False})
    invoices_ksef_sweep.delay()  # what beat does every five minutes
    wait_for(lambda: Invoice.objects.filter(pk=second.pk, ksef_status="accepted").exists(),
             "the offline invoice to reach KSeF", timeout=90)
    assert peer_call(root, "/_peer/state")["errors"] == []

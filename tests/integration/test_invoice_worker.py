"""A real Celery worker renders an invoice's PDF after the issuing transaction commits, and a
second delivery of the task stores nothing more."""

import io
import subprocess
import sys

import pytest
from django.conf import settings
from pypdf import PdfReader

from billing.invoice_services import invoice_issue_for_month
from billing.models import Invoice
from billing.tasks import render_invoice_pdf
from ebok.celery import app
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.integration.test_worker import database_url, wait_for
from tests.services import require_postgres, require_redis

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def pdf_worker(media):
    require_redis()
    require_postgres()
    app.control.purge()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": "dummymail://",
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "MEDIA_ROOT": str(media),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ebok",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "invoices@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), "the worker to start", timeout=60)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_worker_renders_the_invoice_pdf_once(pdf_worker, media):
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD)
    wait_for(
        lambda: Invoice.objects.filter(pk=invoice.pk, pdf_status="done").exists(),
        "the PDF to be rendered",
        timeout=60,
    )
    render_invoice_pdf.delay(invoice.pk)  # a redelivery
    # A second invoice, queued after it: when the solo worker is done with it, the redelivery
    # has been handled too.
    other = commercial_access("drugafirma").account
    month_charges(other)
    second = invoice_issue_for_month(account=other, period=PERIOD)
    wait_for(
        lambda: Invoice.objects.filter(pk=second.pk, pdf_status="done").exists(),
        "the second PDF",
        timeout=60,
    )
    invoice.refresh_from_db()
    (first_file,) = [p for p in media.rglob("*.pdf") if invoice.pdf_file.name in str(p)]
    assert len(list(media.rglob("*.pdf"))) == 2  # one per invoice, none for the redelivery
    text = PdfReader(io.BytesIO(first_file.read_bytes())).pages[0].extract_text()
    assert invoice.number in text and account.holder_nip in text

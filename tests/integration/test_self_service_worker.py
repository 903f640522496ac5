"""A real Celery worker makes what a resident asks for on the self-service pages: the PDF of a
certificate of no arrears, the PDF account statement and the "my data" ZIP, which the resident
then downloads."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.models import Certificate, StatementPdf
from privacy.models import DataExport
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.clients import Client
from tests.workers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_worker_renders_the_certificate_the_resident_downloads(
    pdf_worker, media, owner_client, account
):
    today = timezone.localdate()
    ChargeFactory(
        account=account,
        title="Czynsz",
        amount=Decimal("480.00"),
        due_date=today - datetime.timedelta(days=20),
    )
    PaymentFactory(
        account=account, amount=Decimal("480.00"), paid_on=today - datetime.timedelta(days=25)
    )
    page = reverse("billing:certificate", args=[account.pk])
    assert owner_client.post(page).status_code == 302
    certificate = Certificate.objects.get(account=account)
    wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk, pdf_status="done").exists(),
        "the worker to render the certificate",
        timeout=60,
    )
    assert len(list(media.rglob("*.pdf"))) == 1

    response = owner_client.get(reverse("billing:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert certificate.number in text
    assert account.number in text
    assert certificate.code_display in text
    # Whoever is shown the paper checks it without logging in.
    verified = Client().get(reverse("billing:verify_code", args=[certificate.verification_code]))
    assert verified.status_code == 200
    assert account.number in verified.content.decode()


def test_worker_builds_the_my_data_export_the_resident_downloads(
    pdf_worker, owner_client, owner, account
):
    ChargeFactory(account=account, title="Czynsz 11/2026", amount=Decimal("321.00"))
    assert owner_client.post(reverse("privacy:index")).status_code == 302
    export = DataExport.objects.get(user=owner)
    wait_for(
        lambda: DataExport.objects.filter(pk=export.pk, status="done").exists(),
        "the worker to build the export",
        timeout=90,
    )
    index = owner_client.get(reverse("privacy:index")).content.decode()
    assert 'http-equiv="refresh"' not in index  # ready: the page stops refreshing itself

    response = owner_client.get(reverse("privacy:download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("dane.json"))
    assert data["profile"]["login"] == owner.username
    assert [(c["title"], c["amount"]) for c in data["charges"]] == [("Czynsz 11/2026", "321.00")]
    summary = PdfReader(io.BytesIO(archive.read("podsumowanie.pdf")))
    assert owner.username in "".join(page.extract_text() for page in summary.pages)


def test_worker_draws_the_pdf_statement_the_resident_waits_for(
    pdf_worker, media, owner_client, account
):
    today = timezone.localdate()
    ChargeFactory(
        account=account, title="Czynsz", amount=Decimal("410.00"), due_date=today.replace(day=1)
    )
    asked = owner_client.get(reverse("billing:history_pdf", args=[account.pk]) + "?rok=all")
    assert asked.status_code == 302
    statement = StatementPdf.objects.get(account=account)
    wait_for(
        lambda: StatementPdf.objects.filter(pk=statement.pk, pdf_status="done").exists(),
        "the worker to draw the statement",
        timeout=60,
    )
    page = owner_client.get(asked["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page  # ready: the page stops refreshing itself
    assert len(list(media.rglob("*.pdf"))) == 1

    response = owner_client.get(reverse("billing:statement_pdf", args=[statement.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert account.number in text
    assert "do zapłaty 410,00 zł" in text  # one charge of 410,00, nothing paid

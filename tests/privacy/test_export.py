"""The "my data" export: the owner's rows and none of anyone else's, read from the ZIP; only
the owner downloads it; progress on the page; deleted after the time limit."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import profile
from messaging import notify
from privacy import services
from privacy.models import DataExport
from tests.billing.factories import ChargeFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def _data(owner, account, stranger, other_account):
    ChargeFactory(account=account, title="Czynsz właściciela", amount=Decimal("321.00"))
    PaymentFactory(account=account, amount=Decimal("123.45"), title="Wpłata właściciela")
    ChargeFactory(account=other_account, title="Czynsz obcego", amount=Decimal("999.00"))
    PaymentFactory(account=other_account, amount=Decimal("555.55"), title="Wpłata obcego")
    notify(owner, "Powiadomienie właściciela", "…")
    notify(stranger, "Powiadomienie obcego", "…")
    profile.consent_set(user=owner, given=True)
    profile.consent_set(user=stranger, given=True)


def _zip(owner_client, export):
    response = owner_client.get(reverse("privacy:download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_export_has_own_rows_and_none_of_anyone_elses(
    owner_client, owner, account, stranger, other_account
):
    _data(owner, account, stranger, other_account)
    assert owner_client.post(reverse("privacy:index")).status_code == 302
    export = DataExport.objects.get(user=owner)
    page = owner_client.get(reverse("privacy:index")).content.decode()
    assert 'http-equiv="refresh"' in page  # progress shown while it is prepared
    assert services.export_build(export_id=export.pk) == "done"
    archive = _zip(owner_client, export)
    names = set(archive.namelist())
    assert {"dane.json", "naliczenia.csv", "wplaty.csv", "zgody.csv", "podsumowanie.pdf"} <= names
    everything = archive.read("dane.json").decode()
    data = json.loads(everything)
    assert data["profile"]["login"] == owner.username
    assert [c["title"] for c in data["charges"]] == ["Czynsz właściciela"]
    assert [p["amount"] for p in data["payments"]] == ["123.45"]
    assert [n["subject"] for n in data["notifications"]] == ["Powiadomienie właściciela"]
    assert len(data["consents"]) == 1
    all_text = "".join(
        archive.read(name).decode("utf-8", "ignore")
        for name in names
        if name.endswith((".csv", ".json"))
    )
    for foreign in [
        "Czynsz obcego",
        "555.55",
        "Powiadomienie obcego",
        stranger.username,
        stranger.email,
        other_account.number,
    ]:
        assert foreign not in all_text
    assert "Czynsz właściciela" in archive.read("naliczenia.csv").decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(archive.read("podsumowanie.pdf")))
    assert owner.username in "".join(page.extract_text() for page in pdf.pages)
    download = reverse("privacy:download", args=[export.pk])
    assert download in owner_client.get(reverse("privacy:index")).content.decode()


def test_only_the_owner_downloads(client, owner, stranger):
    export = services.export_request(user=owner)
    services.export_build(export_id=export.pk)
    client.force_login(stranger)
    assert client.get(reverse("privacy:download", args=[export.pk])).status_code == 404


def test_double_request_makes_one_export(owner):
    assert services.export_request(user=owner) == services.export_request(user=owner)


def test_expired_export_is_deleted(owner_client, owner):
    export = services.export_request(user=owner)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    name = export.file.name
    later = timezone.now() + datetime.timedelta(days=8)
    result = services.exports_sweep(now=later)
    assert result["expired"] == 1
    export.refresh_from_db()
    assert export.status == "expired"
    assert not export.file
    from django.core.files.storage import default_storage

    assert not default_storage.exists(name)
    assert owner_client.get(reverse("privacy:download", args=[export.pk])).status_code == 404


def test_the_files_read_in_polish(owner_client, owner, account):
    """A charge of 1 234,50 zł for March 2026 due 10 March; a consent given at 23:30 UTC on
    31 December 2026, which is 00:30 on 1 January 2027 in Warsaw (UTC+1 in winter)."""
    import csv

    ChargeFactory(
        account=account, title="Czynsz 03/2026", amount=Decimal("1234.50"),
        period=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 10),
    )
    given = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)
    profile.consent_set(user=owner, given=True, now=given)
    export = services.export_request(user=owner)
    assert services.export_build(export_id=export.pk) == "done"
    response = owner_client.get(reverse("privacy:download", args=[export.pk]))
    stamp = timezone.localdate(export.requested_at).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="moje-dane-{stamp}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {
        "dane.json", "podsumowanie.pdf", "profil.csv", "konta.csv", "naliczenia.csv",
        "wplaty.csv", "faktury.csv", "zaswiadczenia.csv", "odczyty.csv", "awarie.csv",
        "wiadomosci.csv", "powiadomienia.csv", "ogloszenia.csv", "glosy.csv", "zgody.csv",
    }

    def rows(name):
        text = archive.read(name).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    assert rows("naliczenia.csv") == [
        ["Konto", "Tytuł", "Miesiąc", "Termin płatności", "Kwota"],
        [account.number, "Czynsz 03/2026", "03.2026", "10.03.2026", "1234,50"],
    ]
    assert rows("zgody.csv")[1][1:] == ["01.01.2027 00:30", ""]
    assert rows("profil.csv")[0][:3] == ["Login", "Imię", "Nazwisko"]

    data = json.loads(archive.read("dane.json"))
    assert data["charges"][0]["amount"] == "1234.50"  # for programs: a dot, ISO dates
    assert data["charges"][0]["due_date"] == "2026-03-10"
    assert data["consents"][0]["given_at"] == "2027-01-01T00:30:00+01:00"

    pdf = PdfReader(io.BytesIO(archive.read("podsumowanie.pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for shown in (
        "Imię", "Adres e-mail" if "Adres e-mail" in text else "E-mail", "Naliczenia (1)",
        "Termin płatności", "marzec 2026", "10 marca 2026", "1 234,50 zł",
        "Zgody (1)", "1 stycznia 2027, 00:30",
    ):
        assert shown in text, shown
    for raw in ("first_name", "granted_at", "1234.50", "2026-03-10", "T00:30", "consents"):
        assert raw not in text, raw

"""Each app declares its own part of the "my data" export (<app>/privacy_export.py): every app
holding a resident's personal data is covered, and a resident with data in every app finds
each section, in the order they have always read."""

import csv
import io
import json
import zipfile

import pytest

from accounts import profile
from messaging import notify
from privacy import services
from privacy.collect import ORDER, declared_sections
from tests import access
from tests.billing.factories import PaymentFactory
from tests.meters.factories import ReadingFactory, meter_of
from tests.resolutions.factories import community_in_vote, vote

# What each app puts in the export: a table in dane.json and a CSV file of the same rows.
DECLARED = {
    "accounts": {("accounts", "konta"), ("consents", "zgody")},
    "billing": {
        ("charges", "naliczenia"),
        ("payments", "wplaty"),
        ("invoices", "faktury"),
        ("certificates", "zaswiadczenia"),
    },
    "meters": {("readings", "odczyty")},
    "faults": {("fault_reports", "awarie")},
    "messaging": {
        ("messages", "wiadomosci"),
        ("notifications", "powiadomienia"),
        ("notices", "ogloszenia"),
    },
    "resolutions": {("votes", "glosy")},
}


def test_every_app_with_personal_data_declares_its_sections():
    declared: dict[str, set] = {}
    for app, section in declared_sections():
        declared.setdefault(app, set()).add((section.key, section.file))
    assert declared == DECLARED
    assert [section.key for _app, section in declared_sections()] == ORDER


@pytest.mark.django_db
def test_a_resident_with_data_in_every_app_finds_each_section(owner, account):
    access.own_certificate(owner)  # before any charge is overdue
    PaymentFactory(account=account)
    access.own_invoice(owner)  # the account's charges and their invoice
    ReadingFactory(meter=meter_of(owner), submitted_by=owner)
    access.own_fault(owner)
    access.own_thread(owner)
    notify(owner, "Powiadomienie", "…")
    access.own_notice(owner)
    profile.consent_set(user=owner, given=True)
    resolution = community_in_vote(owner)  # a second account: an owner's in a community
    vote(resolution, owner, "for")

    archive = zipfile.ZipFile(io.BytesIO(services.build_zip(owner)))
    data = json.loads(archive.read("dane.json"))
    assert list(data) == ["made_at", "controller", "profile", *ORDER]
    for _app, section in declared_sections():
        assert data[section.key], section.key
        text = archive.read(f"{section.file}.csv").decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert len(rows) == 1 + len(data[section.key]), section.file

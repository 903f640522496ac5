"""Invoices sent to KSeF through the real client, to a local peer that speaks the official API
(tests/ksef/peer.py: every request checked against open-api.json, the invoice decrypted with
the peer's test keys): accepted with a number and UPO, rejected with KSeF's reason, an outage
that turns the invoice offline with its deadline and a later catch-up, and a correction that
waits for its original's number."""

import datetime

import pytest
from django.utils import timezone

from billing.invoices import ksef_sending
from billing.invoices.services import (
    current_lines,
    invoice_correct,
    invoice_issue_for_month,
    invoices_ksef_rebuild,
)
from billing.ksef.client import KsefUnavailable, is_valid_ksef_number
from billing.models import Invoice
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.ksef.peer import Peer

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 11, 3)  # a Tuesday


@pytest.fixture
def peer(settings):
    with Peer(nip=settings.MANAGER_NIP, token="TOKEN-TEST-EBOK") as running:
        settings.KSEF_ENV = "test"
        settings.KSEF_API_URL = running.url
        settings.KSEF_TOKEN = "TOKEN-TEST-EBOK"
        settings.KSEF_NIP = settings.MANAGER_NIP
        settings.KSEF_TIMEOUT = 2
        yield running
        assert running.errors == []  # every request e-BOK sent matched the official API


def issue(username="firma"):
    account = commercial_access(username).account
    month_charges(account)
    return invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)


def send():
    return ksef_sending.invoices_ksef_send(poll_pause=0)


def test_an_invoice_is_sent_numbered_and_its_upo_kept(peer, settings):
    invoice = issue()
    assert Invoice.objects.get(pk=invoice.pk).ksef_status == "queued"
    assert send() == {"accepted": 1}
    invoice = Invoice.objects.select_related("fa3").get(pk=invoice.pk)
    assert invoice.ksef_status == "accepted"
    assert is_valid_ksef_number(invoice.ksef_number)
    assert invoice.ksef_number.startswith(f"{settings.MANAGER_NIP}-")
    # what KSeF decrypted is byte for byte what e-BOK stored (and hashed for KOD I)
    assert list(peer.invoices.values()) == [bytes(invoice.fa3.xml)]
    assert invoice.ksef_number.encode() in bytes(invoice.fa3.upo)
    assert invoice.pdf_status == "pending"  # drawn again with the number under KOD I
    assert send() == {}  # nothing waits any more


def test_a_rejection_shows_ksefs_reason_and_a_rebuilt_invoice_goes_through(peer):
    invoice = issue()
    peer.reject_next = (450, "Błąd weryfikacji semantyki dokumentu faktury")
    assert send() == {"rejected": 1}
    invoice.refresh_from_db()
    assert invoice.ksef_status == "rejected"
    assert invoice.ksef_number == ""
    assert "450" in invoice.ksef_error
    assert "semantyki" in invoice.ksef_error
    assert invoices_ksef_rebuild(invoice_ids=[invoice.pk]) == (1, [])
    assert send() == {"accepted": 1}


def test_an_outage_issues_offline_and_the_sweeper_catches_up(peer):
    invoice = issue()
    peer.outage = True
    with pytest.raises(KsefUnavailable):
        send()
    invoice.refresh_from_db()
    # offline24: to be sent by the next working day after the issue date (Wed 4 November)
    assert (invoice.ksef_status, invoice.offline_until) == ("offline", datetime.date(2026, 11, 4))
    assert invoice.ksef_error
    assert ksef_sending.invoices_ksef_waiting_ids() == [invoice.pk]
    peer.outage = False
    assert send() == {"accepted": 1}
    (sent,) = peer._invoices.values()
    assert sent.offline  # sent with offlineMode=true, as the law wants for an offline invoice


def test_a_timeout_is_an_outage(peer):
    invoice = issue()
    peer.delay = 3  # longer than KSEF_TIMEOUT (2 s)
    with pytest.raises(KsefUnavailable):
        send()
    invoice.refresh_from_db()
    assert invoice.ksef_status == "offline"


def test_a_correction_waits_for_its_original_and_names_its_number(peer, staff):
    invoice = issue()
    lines = current_lines(invoice)
    correction = invoice_correct(invoice=invoice, lines_after=lines[:2], reason="Opłata nienależna",
                                 clerk=staff, issue_date=ISSUED)
    assert b"<NrKSeFN>1</NrKSeFN>" in bytes(correction.fa3.xml)
    # one round: the original goes; the correction waits for the original's number
    assert send() == {"accepted": 1}
    assert Invoice.objects.get(pk=correction.pk).ksef_status == "queued"
    assert send() == {"accepted": 1}
    invoice.refresh_from_db()
    correction = Invoice.objects.select_related("fa3").get(pk=correction.pk)
    assert correction.ksef_status == "accepted"
    xml = bytes(correction.fa3.xml)
    assert f"<NrKSeFFaKorygowanej>{invoice.ksef_number}</NrKSeFFaKorygowanej>".encode() in xml
    assert peer.invoices[correction.ksef_reference] == xml


def test_ksef_off_sends_nothing(settings):
    settings.KSEF_ENV = "off"
    invoice = issue()
    assert Invoice.objects.get(pk=invoice.pk).ksef_status == "off"
    assert ksef_sending.invoices_ksef_send() == {}


def test_a_duplicate_of_an_accepted_invoice_takes_its_number(peer):
    invoice = issue()
    assert send() == {"accepted": 1}
    invoice.refresh_from_db()
    number = invoice.ksef_number
    # The worker died after sending and before storing KSeF's answer: the invoice is queued
    # again and sent again; KSeF says 440 duplicate, naming the number it already has.
    Invoice.objects.filter(pk=invoice.pk).update(ksef_status="queued", ksef_number="")
    assert send() == {"accepted": 1}
    invoice.refresh_from_db()
    assert invoice.ksef_number == number


def test_sweeper_asks_about_a_sent_invoice_without_a_number(peer, monkeypatch):
    invoice = issue()
    peer.processing_polls = 1  # KSeF still "processing" at the round's one status poll
    monkeypatch.setattr(ksef_sending, "STATUS_POLLS", 1)
    assert send() == {"sent": 1}
    Invoice.objects.filter(pk=invoice.pk).update(
        ksef_sent_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert ksef_sending.invoices_ksef_check() == 1
    assert Invoice.objects.get(pk=invoice.pk).ksef_status == "accepted"


def test_a_refused_token_leaves_the_invoice_waiting_with_the_reason(peer, settings):
    settings.KSEF_TOKEN = "REVOKED-TOKEN"
    invoice = issue()
    assert send() == {"queued": 1}
    invoice.refresh_from_db()
    assert invoice.ksef_status == "queued"
    assert invoice.ksef_claimed_at is None
    assert "450" in invoice.ksef_error  # the peer's authentication status for a wrong token
    assert "REVOKED-TOKEN" not in invoice.ksef_error  # never the token itself

"""Each seller numbers its own invoices (art. 106e ust. 1 pkt 2): the manager (ZBM) and every
housing community by its NIP. A community's invoice is sent to KSeF in the community's own
context when it granted the manager that right (a token for its NIP), checked against the
peer; otherwise it is "not sent to KSeF: the community issues its own", with no KOD I."""

import datetime
import io
import logging

import pytest
from django.db import connection, transaction
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from billing.invoices import ksef_sending
from billing.invoices.pdf import html_of
from billing.invoices.pdf_jobs import invoice_pdf_make
from billing.invoices.services import (
    current_lines,
    invoice_correct,
    invoice_issue_for_charge,
    invoice_issue_for_month,
)
from billing.models import Invoice
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.factories import CommunityFactory
from tests.ksef.peer import Peer
from tests.migrations import migrate

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 11, 3)  # a Tuesday
BOBRECKA_NIP = "5482311964"
BOBRECKA_TOKEN = "TOKEN-WSPOLNOTA-BOBRECKA-12"  # the peer's test token
FA = "{http://crd.gov.pl/wzor/2025/06/25/13775/}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bobrecka():
    return CommunityFactory(
        name="Wspólnota Mieszkaniowa Bobrecka 12", nip=BOBRECKA_NIP, street="ul. Bobrecka 12"
    )


def tenant(username, community=None):
    access = commercial_access(username, account__premises__building__community=community)
    month_charges(access.account)
    return access


def issue(access, day=ISSUED):
    return invoice_issue_for_month(account=access.account, period=PERIOD, issue_date=day)


def seller_nip_in_xml(invoice) -> str:
    root = etree.fromstring(bytes(Invoice.objects.get(pk=invoice.pk).fa3.xml))
    return root.findtext(f"{FA}Podmiot1/{FA}DaneIdentyfikacyjne/{FA}NIP")


def pdf_text(invoice) -> str:
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    invoice.refresh_from_db()
    with invoice.pdf_file.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return " ".join("\n".join(p.extract_text() for p in reader.pages).replace("\xa0", " ").split())


# -- numbering -----------------------------------------------------------------------------------


def test_a_community_numbers_its_invoices_apart_from_the_manager(settings, bobrecka):
    zbm_first = issue(tenant("sklep1"))
    community = issue(tenant("sklep2", bobrecka))
    zbm_second = issue(tenant("sklep3"))
    # ZBM: 0001 then 0002, no hole where the community's invoice came between;
    # the community: its own first invoice of 11/2026 is 0001 in its own series.
    assert (zbm_first.number, zbm_first.seller_nip) == ("FV/2026/11/0001", settings.MANAGER_NIP)
    assert (zbm_second.number, zbm_second.seller_nip) == ("FV/2026/11/0002", settings.MANAGER_NIP)
    assert (community.number, community.sequence) == ("FV/2026/11/0001", 1)
    assert community.seller_nip == BOBRECKA_NIP
    assert community.seller_name == "Wspólnota Mieszkaniowa Bobrecka 12"
    assert seller_nip_in_xml(community) == BOBRECKA_NIP  # Podmiot1 is the community
    assert seller_nip_in_xml(zbm_second) == settings.MANAGER_NIP


def test_corrections_and_settlement_invoices_follow_their_sellers_series(settings, bobrecka):
    zbm = issue(tenant("sklep1"))
    community_tenant = tenant("sklep2", bobrecka)
    community = issue(community_tenant)
    fixed = [*current_lines(community)[:1]]  # keep the rent only
    community_fk = invoice_correct(
        invoice=community,
        lines_after=fixed,
        reason="Błędna stawka",
        clerk=None,
        issue_date=ISSUED,
    )
    zbm_fk = invoice_correct(
        invoice=zbm,
        lines_after=current_lines(zbm)[:1],
        reason="Błąd",
        clerk=None,
        issue_date=ISSUED,
    )
    # Each seller's first correction of 11/2026.
    assert (community_fk.number, community_fk.seller_nip) == ("FK/2026/11/0001", BOBRECKA_NIP)
    assert (zbm_fk.number, zbm_fk.seller_nip) == ("FK/2026/11/0001", settings.MANAGER_NIP)
    # A water settlement invoice of the community's tenant: its first invoice issued this month
    # (issued today), so number 0001 of today's month in the community's series.
    charge = community_tenant.account.charges.get(vat_rate="8")
    with transaction.atomic():
        settlement = invoice_issue_for_charge(
            charge=charge,
            description="Rozliczenie wody",
            period_start=PERIOD,
            period_end=datetime.date(2026, 11, 30),
        )
    today = settlement.issue_date
    assert settlement.number == f"FV/{today:%Y/%m}/0001"
    assert settlement.seller_nip == BOBRECKA_NIP


# -- not configured: the community issues its own ------------------------------------------------


@pytest.fixture
def ksef_on(settings):
    settings.KSEF_ENV = "test"
    settings.KSEF_TOKEN = "TOKEN-TEST-EBOK"
    settings.KSEF_NIP = settings.MANAGER_NIP
    settings.KSEF_SELLER_TOKENS = {}


def test_without_the_communitys_permission_its_invoice_is_not_sent_and_has_no_kod_i(
    ksef_on, bobrecka, client, settings
):
    access = tenant("sklep2", bobrecka)
    invoice = issue(access)
    invoice.refresh_from_db()
    assert invoice.ksef_status == "seller"
    assert invoice.ksef_error == ""
    assert (
        invoice.get_ksef_status_display() == "niewysyłana do KSeF: wspólnota wystawia faktury sama"
    )
    assert ksef_sending.invoices_ksef_send(poll_pause=0) == {}  # nothing is sent for it
    invoice.refresh_from_db()
    assert invoice.ksef_status == "seller"
    text = pdf_text(invoice)
    assert "OFFLINE" not in text
    assert "Kod QR weryfikacji faktury" not in html_of(invoice)
    assert (
        "Zarządca nie przesyła tej faktury do Krajowego Systemu e-Faktur: Wspólnota "
        "Mieszkaniowa Bobrecka 12 wystawia swoje faktury w KSeF sama." in text
    )
    # The resident's list says so, in Polish.
    client.force_login(access.user)
    html = client.get(reverse("billing:invoices")).content.decode()
    assert "nie wysyłamy jej do KSeF: wspólnota wystawia swoje faktury w KSeF sama" in html


def test_a_community_invoice_queued_before_is_parked_and_drawn_again(ksef_on, bobrecka):
    invoice = issue(tenant("sklep2", bobrecka))
    # As issued before this state existed: queued, its PDF with "OFFLINE" under KOD I.
    Invoice.objects.filter(pk=invoice.pk).update(
        ksef_status="queued", pdf_status="done", ksef_error="KSeF: e-BOK sends in …"
    )
    assert ksef_sending.invoices_ksef_send(poll_pause=0) == {}
    invoice.refresh_from_db()
    assert (invoice.ksef_status, invoice.ksef_error) == ("seller", "")
    assert invoice.pdf_status == "pending"  # drawn again, without KOD I


# -- sent in the community's context --------------------------------------------------------------


@pytest.fixture
def peer(ksef_on, settings):
    with Peer(
        nip=settings.MANAGER_NIP, token="TOKEN-TEST-EBOK", grants={BOBRECKA_NIP: BOBRECKA_TOKEN}
    ) as running:
        settings.KSEF_API_URL = running.url
        settings.KSEF_TIMEOUT = 2
        yield running
        assert running.errors == []  # every request matched the official API


def test_a_community_invoice_is_sent_in_the_communitys_context(peer, settings, bobrecka):
    settings.KSEF_SELLER_TOKENS = {BOBRECKA_NIP: BOBRECKA_TOKEN}
    zbm = issue(tenant("sklep1"))
    community = issue(tenant("sklep2", bobrecka))
    assert zbm.number == community.number == "FV/2026/11/0001"  # two sellers, two series
    assert Invoice.objects.get(pk=community.pk).ksef_status == "queued"
    assert ksef_sending.invoices_ksef_send(poll_pause=0) == {"accepted": 2}
    zbm = Invoice.objects.select_related("fa3").get(pk=zbm.pk)
    community = Invoice.objects.select_related("fa3").get(pk=community.pk)
    # Each went in its seller's own context (one session each) and KSeF numbered it under
    # that seller; the same P_2 of another seller is no duplicate.
    contexts = {bytes(xml): peer.contexts[ref] for ref, xml in peer.invoices.items()}
    assert contexts == {
        bytes(zbm.fa3.xml): settings.MANAGER_NIP,
        bytes(community.fa3.xml): BOBRECKA_NIP,
    }
    assert community.ksef_number.startswith(f"{BOBRECKA_NIP}-")
    assert zbm.ksef_number.startswith(f"{settings.MANAGER_NIP}-")
    assert zbm.ksef_number != community.ksef_number
    assert f"<Nip>{BOBRECKA_NIP}</Nip>".encode() in bytes(community.fa3.upo)  # IdKontekstu


def test_a_wrong_community_token_leaves_only_its_invoices_waiting_with_ksefs_reason(
    peer, settings, bobrecka, caplog
):
    settings.KSEF_SELLER_TOKENS = {BOBRECKA_NIP: "TOKEN-REVOKED-SECRET"}
    zbm = issue(tenant("sklep1"))
    community = issue(tenant("sklep2", bobrecka))
    with caplog.at_level(logging.DEBUG):
        assert ksef_sending.invoices_ksef_send(poll_pause=0) == {"accepted": 1, "queued": 1}
    zbm.refresh_from_db()
    community.refresh_from_db()
    assert zbm.ksef_status == "accepted"  # the manager's context is unaffected
    assert community.ksef_status == "queued"
    assert community.ksef_error.startswith("KSeF:")
    assert "450" in community.ksef_error
    assert "TOKEN-REVOKED-SECRET" not in community.ksef_error
    assert "TOKEN-REVOKED-SECRET" not in caplog.text
    from billing.invoices.ksef_contexts import context_for

    assert "TOKEN-REVOKED-SECRET" not in repr(context_for(BOBRECKA_NIP))


# -- configuration ------------------------------------------------------------------------------


def test_community_tokens_come_from_the_environment_or_a_secret_file(tmp_path):
    from ebok.settings import _ksef_seller_tokens

    secret = tmp_path / "token"
    secret.write_text("FROM-A-SECRET-STORE\n")
    environment = {
        f"KSEF_TOKEN_{BOBRECKA_NIP}": "FROM-ENV",
        "KSEF_TOKEN_5252248481_FILE": str(secret),
        "KSEF_TOKEN": "the manager's, not a community's",
        "KSEF_TOKEN_5482000017": "",  # empty: not configured
    }
    assert _ksef_seller_tokens(environment) == {
        BOBRECKA_NIP: "FROM-ENV",
        "5252248481": "FROM-A-SECRET-STORE",
    }
    refused = "KSEF_TOKEN_1234567890: 1234567890 is not a valid NIP"
    with pytest.raises(Exception, match=refused) as e:
        _ksef_seller_tokens({"KSEF_TOKEN_1234567890": "SECRET-VALUE"})
    assert "SECRET-VALUE" not in str(e.value)


# -- migration 0015 on invoices issued in the shared series -----------------------------------

BEFORE_0015 = [("billing", "0014_summary_triggers_repair")]


@pytest.mark.django_db(transaction=True)
def test_migration_0015_gives_communities_counters_after_their_numbers(settings, bobrecka):
    zbm_tenant, community_tenant = tenant("sklep1"), tenant("sklep2", bobrecka)
    community = issue(community_tenant)
    try:
        migrate(BEFORE_0015)
        # As the shared series left it: the community's invoice took number 11 of 11/2026.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE billing_invoice SET sequence = 11, number = 'FV/2026/11/0011' "
                "WHERE id = %s",
                [community.pk],
            )
            cursor.execute("DELETE FROM billing_invoicecounter")
            cursor.execute(
                "INSERT INTO billing_invoicecounter (series, year, month, last_number) "
                "VALUES ('FV', 2026, 11, 11)"
            )
        migrate()  # 0015 and every migration after it: the code below is today's
        later = datetime.date(2026, 11, 20)
        charges = month_charges(community_tenant.account, period=datetime.date(2026, 12, 1))
        assert charges
        community_next = invoice_issue_for_month(
            account=community_tenant.account, period=datetime.date(2026, 12, 1), issue_date=later
        )
        zbm_next = issue(zbm_tenant, later)
        # The community goes on after its 11 (never 0001 … 0011 again); ZBM's shared counter
        # (11) is now ZBM's alone: 11 + 1 = 12.
        assert (community_next.number, community_next.seller_nip) == (
            "FV/2026/11/0012",
            BOBRECKA_NIP,
        )
        assert (zbm_next.number, zbm_next.seller_nip) == ("FV/2026/11/0012", settings.MANAGER_NIP)
    finally:
        migrate()  # every app's newest migration again

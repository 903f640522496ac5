"""FA(3) e-invoices: the XML of hand-computed invoices and corrections, checked field by field
and against the Ministry's own schema (vendored, never a copy of ours); the KSeF verification
codes on the PDF read back with zbarimg from the rendered page, as a phone would."""

import base64
import datetime
import hashlib
import shutil
import subprocess
from decimal import Decimal as D

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID
from django.urls import reverse
from lxml import etree

from billing.invoices import ksef_sending
from billing.invoices import vat as invoice_vat
from billing.invoices.fa3.schema import fa3_errors
from billing.invoices.ksef_codes import (
    OfflineCertificate,
    certificate_link,
    invoice_link,
    xml_hash,
)
from billing.invoices.pdf_jobs import invoice_pdf_make
from billing.invoices.services import (
    InvoiceError,
    current_lines,
    invoice_correct,
    invoice_issue_for_month,
)
from billing.ledger.charge_run import charge_run_execute
from billing.models import ChargeRun, Invoice
from core import enqueue
from tests.billing.factories import FeeFactory, component
from tests.billing.invoice_factories import BUYER_NIP, PERIOD, commercial_access, month_charges
from tests.billing.test_invoice_pdf import pdf_text as invoice_pdf_text
from tests.factories import AccessFactory
from tests.services import require

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 11, 3)
NS = {"fa": "http://crd.gov.pl/wzor/2025/06/25/13775/"}
QR_TEST = "https://qr-test.ksef.mf.gov.pl"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def invoice():
    account = commercial_access().account
    month_charges(account)
    return invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)


def xml_of(invoice) -> bytes:
    return bytes(Invoice.objects.get(pk=invoice.pk).fa3.xml)


def field(xml: bytes, path: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_fa3_of_a_hand_computed_invoice(invoice, settings):
    xml = xml_of(invoice)
    assert fa3_errors(xml) == []
    assert invoice.fa3.sha256 == hashlib.sha256(xml).hexdigest()
    assert Invoice.objects.get(pk=invoice.pk).ksef_status == "off"  # KSEF_ENV=off in tests
    assert field(xml, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == [settings.MANAGER_NIP]
    assert field(xml, "//fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:NIP") == [BUYER_NIP]
    assert field(xml, "//fa:Fa/fa:P_1") == ["2026-11-03"]
    assert field(xml, "//fa:Fa/fa:P_2") == [invoice.number]
    assert field(xml, "//fa:OkresFa/*") == ["2026-11-01", "2026-11-30"]
    # 23%: 3 326,40 × 23/123 = 622,0097… → VAT 622,01, net 2 704,39
    assert field(xml, "//fa:Fa/fa:P_13_1") == ["2704.39"]
    assert field(xml, "//fa:Fa/fa:P_14_1") == ["622.01"]
    # 8% (water and sewage): 120,00 × 8/108 = 8,888… → VAT 8,89, net 111,11
    assert field(xml, "//fa:Fa/fa:P_13_2") == ["111.11"]
    assert field(xml, "//fa:Fa/fa:P_14_2") == ["8.89"]
    # exempt: 50,00, with its legal basis
    assert field(xml, "//fa:Fa/fa:P_13_7") == ["50.00"]
    assert field(xml, "//fa:Zwolnienie/fa:P_19") == ["1"]
    assert field(xml, "//fa:Zwolnienie/fa:P_19A")[0].startswith("art. 43 ust. 1 pkt 36")
    # 2 704,39 + 622,01 + 111,11 + 8,89 + 50,00 = 3 496,40
    assert field(xml, "//fa:Fa/fa:P_15") == ["3496.40"]
    assert field(xml, "//fa:Fa/fa:RodzajFaktury") == ["VAT"]
    # lines: 86,4 m² × 31,3008 = 2 704,389 → 2 704,39 (quantity × unit price = net)
    assert field(xml, "//fa:FaWiersz/fa:P_8B") == ["86.4", "1", "1"]
    assert field(xml, "//fa:FaWiersz/fa:P_9A") == ["31.3008", "111.11", "50"]
    assert field(xml, "//fa:FaWiersz/fa:P_11") == ["2704.39", "111.11", "50.00"]
    assert field(xml, "//fa:FaWiersz/fa:P_12") == ["23", "8", "zw"]
    assert "Kara umowna" not in xml.decode()  # np: no supply, not invoiced
    assert field(xml, "//fa:Platnosc/fa:TerminPlatnosci/fa:Termin") == ["2026-11-10"]
    assert field(xml, "//fa:Platnosc/fa:FormaPlatnosci") == ["6"]
    assert field(xml, "//fa:RachunekBankowy/fa:NrRB") == [invoice.account.virtual_nrb]


def test_same_invoice_same_bytes(invoice):
    from billing.invoices.fa3.build import fa3_xml

    invoice = Invoice.objects.get(pk=invoice.pk)
    again = fa3_xml(invoice, list(invoice.lines.all()), list(invoice.rate_totals.all()))
    assert again == xml_of(invoice)


def test_a_broken_document_is_refused_with_the_schemas_reason(invoice):
    xml = xml_of(invoice).replace(BUYER_NIP.encode(), b"54822")
    errors = fa3_errors(xml)
    assert errors
    assert "NIP" in errors[0]
    assert errors[0].startswith("line ")
    assert fa3_errors(b"<Faktura>") != []  # not even XML


def test_an_invoice_the_schema_refuses_is_never_sent_and_staff_see_why(settings):
    settings.KSEF_ENV = "test"
    settings.INVOICE_SELLER_ADDRESS = ""  # AdresL1 may not be empty
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    invoice.refresh_from_db()
    assert invoice.ksef_status == "invalid"
    assert "AdresL1" in invoice.ksef_error
    assert ksef_sending.invoices_ksef_waiting_ids() == []


def test_correction_lowers_one_line_and_raises_another(invoice, staff):
    lines = current_lines(invoice)
    rent, water, exempt = lines
    after = [
        invoice_vat.Line(rent.description, rent.quantity, rent.unit, D("3000.00"), "23",
                         rent.charge_id, rent.vat_basis),
        invoice_vat.Line(water.description, water.quantity, water.unit, D("150.00"), "8",
                         water.charge_id, water.vat_basis),
        exempt,
    ]
    correction = invoice_correct(invoice=invoice, lines_after=after, reason="Zmiana stawek",
                                 clerk=staff, issue_date=datetime.date(2026, 11, 20))
    xml = xml_of(correction)
    assert fa3_errors(xml) == []
    assert field(xml, "//fa:Fa/fa:RodzajFaktury") == ["KOR"]
    assert field(xml, "//fa:DaneFaKorygowanej/fa:NrFaKorygowanej") == [invoice.number]
    assert field(xml, "//fa:DaneFaKorygowanej/fa:NrKSeFN") == ["1"]
    # 23% after, VAT on the net: 3 000,00 × 100/123 = 2 439,024 → net 2 439,02,
    #   VAT 2 439,02 × 23% = 560,9746 → 560,97, gross 2 999,99 (2 439,03 would give
    #   2 439,03 + 560,98 = 3 000,01: 3 000,00 cannot be reached, the tenant gets the grosz);
    #   difference net 2 439,02 − 2 704,39 = −265,37, VAT 560,97 − 622,01 = −61,04
    assert field(xml, "//fa:Fa/fa:P_13_1") == ["-265.37"]
    assert field(xml, "//fa:Fa/fa:P_14_1") == ["-61.04"]
    # 8% after: 150,00 × 100/108 = 138,89, VAT 138,89 × 8% = 11,1112 → 11,11 (= 150,00);
    #   difference net 138,89 − 111,11 = 27,78, VAT 11,11 − 8,89 = 2,22
    assert field(xml, "//fa:Fa/fa:P_13_2") == ["27.78"]
    assert field(xml, "//fa:Fa/fa:P_14_2") == ["2.22"]
    # (2 999,99 − 3 326,40) + 30,00 = −296,41: money back, so no payment terms at all
    assert field(xml, "//fa:Fa/fa:P_15") == ["-296.41"]
    assert field(xml, "//fa:Platnosc") == []
    assert field(xml, "//fa:FaWiersz[fa:StanPrzed='1']/fa:P_11") == ["2704.39", "111.11", "50.00"]
    assert field(xml, "//fa:FaWiersz[not(fa:StanPrzed)]/fa:P_11") == ["2439.02", "138.89", "50.00"]
    # the PDF: "Do zwrotu", and neither a payment date nor an account to pay into
    assert invoice_pdf_make(invoice_id=correction.pk) == "done"
    text = pdf_text(correction)
    assert "Do zwrotu 296,41 zł" in text
    assert "Termin płatności" not in text
    assert "Numer rachunku" not in text
    assert "Nie trzeba niczego wpłacać" in text


# -- the codes on the PDF ----------------------------------------------------------------------


def pdf_text(invoice) -> str:
    return invoice_pdf_text(invoice)[0]


def qr_codes_on(invoice, tmp_path) -> list[str]:
    """Every QR code on the PDF's first page, read by zbarimg from a 200 dpi image."""
    require(shutil.which("zbarimg") is not None, "zbarimg (Debian zbar-tools)")
    require(shutil.which("pdftoppm") is not None, "pdftoppm (Debian poppler-utils)")
    invoice.refresh_from_db()
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(invoice.pdf_file.open("rb").read())
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    (page,) = tmp_path.glob("page*.png")
    result = subprocess.run(["zbarimg", "--raw", "-q", "-Sqrcode.enable", str(page)],
                            capture_output=True, check=True)
    return result.stdout.decode().split()


def test_kod_i_on_the_pdf_is_the_link_built_from_the_xml(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.KSEF_ENV, settings.KSEF_TOKEN = "test", "t"
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    xml = xml_of(invoice)
    digest = base64.urlsafe_b64encode(hashlib.sha256(xml).digest()).rstrip(b"=").decode()
    expected = f"{QR_TEST}/invoice/{settings.MANAGER_NIP}/03-11-2026/{digest}"
    assert invoice_link(QR_TEST, settings.MANAGER_NIP, ISSUED, xml) == expected
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    codes = qr_codes_on(invoice, tmp_path)
    assert expected in codes
    assert "OFFLINE" in pdf_text(invoice)  # no KSeF number yet
    number = f"{settings.MANAGER_NIP}-20261103-0123456789AB-CD"
    first = Invoice.objects.get(pk=invoice.pk).pdf_file.name
    Invoice.objects.filter(pk=invoice.pk).update(ksef_number=number, ksef_status="accepted")
    # The render task is held so that this test draws the PDF itself, with or without a broker.
    with enqueue.held("billing.invoice_pdf_render"), django_capture_on_commit_callbacks(
        execute=True
    ):
        ksef_sending.pdf_redo(invoice.pk)
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    text = pdf_text(invoice)
    assert number in text
    assert "OFFLINE" not in text
    stored = [p.name for p in (tmp_path / "media").rglob("*.pdf")]
    assert len(stored) == 1  # one PDF, the new one
    assert first.rsplit("/", 1)[-1] not in stored


def rsa_certificate(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return write_certificate(tmp_path, key)


def write_certificate(tmp_path, key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "e-BOK offline test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(0x01F20A5D352AE590)
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "offline.crt", tmp_path / "offline.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"haslo"),
    ))
    return cert, str(cert_path), str(key_path)


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_offline_invoice_carries_kod_ii_that_the_certificate_verifies(settings, tmp_path):
    cert, cert_path, key_path = rsa_certificate(tmp_path)
    settings.KSEF_ENV, settings.KSEF_TOKEN = "test", "t"
    settings.KSEF_OFFLINE_CERT, settings.KSEF_OFFLINE_KEY = cert_path, key_path
    settings.KSEF_OFFLINE_KEY_PASSWORD = "haslo"
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    invoice = Invoice.objects.select_related("fa3").get(pk=invoice.pk)
    ksef_sending._go_offline(invoice, "KSeF nie odpowiada")
    invoice.refresh_from_db()
    # issued Tuesday 3 November 2026: to be sent by the next working day, Wednesday 4th
    assert (invoice.ksef_status, invoice.offline_until) == ("offline", datetime.date(2026, 11, 4))
    assert invoice_pdf_make(invoice_id=invoice.pk) == "done"
    codes = qr_codes_on(invoice, tmp_path)
    kod_ii = next(code for code in codes if "/certificate/" in code)
    prefix = (f"{QR_TEST}/certificate/Nip/{settings.KSEF_NIP}/{settings.MANAGER_NIP}/"
              f"01F20A5D352AE590/{xml_hash(xml_of(invoice))}/")
    assert kod_ii.startswith(prefix)
    signed = prefix.removeprefix("https://").rstrip("/").encode()
    signature = b64url_decode(kod_ii.removeprefix(prefix))
    cert.public_key().verify(  # raises InvalidSignature if it does not verify
        signature, signed, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )
    text = pdf_text(invoice)
    assert "OFFLINE" in text
    assert "CERTYFIKAT" in text
    assert "04.11.2026" in text


def test_kod_ii_with_an_ecdsa_certificate_is_r_and_s_of_32_bytes(tmp_path, settings):
    key = ec.generate_private_key(ec.SECP256R1())
    cert, _c, _k = write_certificate(tmp_path, key)
    certificate = OfflineCertificate("01F20A5D352AE590", key, cert)
    link = certificate_link(QR_TEST, "1111111111", "1111111111", certificate, b"<x/>")
    signed, _slash, signature = link.removeprefix("https://").rpartition("/")
    raw = b64url_decode(signature)
    assert len(raw) == 64  # IEEE P1363: r || s
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    cert.public_key().verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))


def test_an_exempt_residential_invoice_on_request(client, settings):
    """A municipal flat's tenant asks BOK for an invoice of November: the rent of a home is
    exempt (art. 43 ust. 1 pkt 36), its metered water a supply of its own at 8% (CJEU C-42/14,
    migration 0016's default), the waste fee outside VAT and not invoiced."""
    access = AccessFactory(account__kind="municipal_tenancy", account__holder_nip="",
                           account__premises__floor_area=D("48.50"))
    account = access.account
    rent, water, waste = (component(code) for code in ("rent", "water_sewage", "waste"))
    for fee_component, basis, price, quantity in [
        (rent, "per_m2", D("10.4500"), None),  # 48,50 m² × 10,45 = 506,825 → 506,83
        (water, "per_person", D("42.8000"), D(2)),  # 2 × 42,80 = 85,60
        (waste, "per_person", D("37.0000"), D(2)),  # 74,00, np
    ]:
        FeeFactory(account=account, component=fee_component, basis=basis, unit_price=price,
                   quantity=quantity)
    run = ChargeRun.objects.create(period=PERIOD, due_day=10)
    charge_run_execute(run_id=run.pk, notify=False)
    with pytest.raises(InvoiceError):  # a flat is not invoiced unless its tenant asks
        invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED,
                                      on_request=True)
    xml = xml_of(invoice)
    assert fa3_errors(xml) == []
    assert field(xml, "//fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:BrakID") == ["1"]  # a consumer
    assert field(xml, "//fa:FaWiersz/fa:P_12") == ["zw", "8"]
    # rent 506,83 exempt; water 85,60 at 8%: net 85,60 × 100/108 = 79,26, VAT 79,26 × 8% =
    # 6,3408 → 6,34 (79,26 + 6,34 = 85,60); 506,83 + 79,26 + 6,34 = 592,43
    assert field(xml, "//fa:Fa/fa:P_13_7") == ["506.83"]
    assert field(xml, "//fa:Fa/fa:P_13_2") == ["79.26"]
    assert field(xml, "//fa:Fa/fa:P_14_2") == [
        "6.34"
    ]
    assert field(xml, "//fa:Fa/fa:P_15") == ["592.43"]
    assert field(xml, "//fa:Fa/fa:P_13_1") == []
    assert field(xml, "//fa:Fa/fa:P_14_1") == []
    assert field(xml, "//fa:Zwolnienie/fa:P_19A")[0].startswith("art. 43 ust. 1 pkt 36")
    # 506,83 + 79,26 = 586,09 net
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("586.09"), D("6.34"), D("592.43")
    )
    # The tenant finds it on the invoices page the notification links to.
    client.force_login(access.user)
    page = client.get(reverse("billing:invoices"))
    assert page.status_code == 200
    assert invoice.number in page.content.decode()
    assert client.get(reverse("billing:invoice_xml", args=[invoice.pk])).content == xml

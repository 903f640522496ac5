"""The transfer QR code in the ZBP "2D" format, read back with zbarimg as a banking app would."""

import datetime
import shutil
import subprocess
from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.bank.qr import Transfer, amount_field, ascii_text, fit, qr_png
from tests.billing.factories import ChargeFactory, PaymentFactory
from tests.factories import AccessFactory, BuildingFactory, CommunityFactory
from tests.services import require

ZBARIMG = shutil.which("zbarimg")


def decode(png: bytes, tmp_path) -> str:
    require(ZBARIMG is not None, "zbarimg (Debian zbar-tools)")
    path = tmp_path / "qr.png"
    path.write_bytes(png)
    result = subprocess.run(
        [ZBARIMG, "--raw", "-q", "-Sqrcode.enable", str(path)],
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8").rstrip("\n")


def fields_of(owner_client, account, tmp_path):
    response = owner_client.get(reverse("billing:pay_qr", args=[account.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    text = decode(response.content, tmp_path)
    fields = text.split("|")
    assert len(fields) == 9, text
    assert len(text) <= 160
    return fields


def test_municipal_flat_qr_carries_every_field(db, client, settings, tmp_path):
    access = AccessFactory(
        account__number="1001",
        account__premises__building__street="ul. Głęboka 15",
        account__premises__number="3",
    )
    account = access.account
    ChargeFactory(account=account, amount=D("612.34"), due_date=datetime.date(2026, 1, 10))
    PaymentFactory(account=account, amount=D("100.00"), paid_on=datetime.date(2026, 1, 5))
    client.force_login(access.user)
    nip, country, nrb, amount, name, title, *reserved = fields_of(client, account, tmp_path)
    assert nip == settings.MANAGER_NIP
    assert country == "PL"
    assert nrb == account.virtual_nrb
    assert len(nrb) == 26
    assert amount == "051234"  # 512.34 zł in grosze
    # "Zakład Budynków Miejskich w Cieszynie": ASCII, at most 20, cut at a word
    assert name == "Zaklad Budynkow"
    assert title == "Konto 1001 ul. Gleboka 15/3"
    assert reserved == ["", "", ""]


def test_community_owner_pays_the_community_and_letters_are_transliterated(db, client, tmp_path):
    community = CommunityFactory(name="Wspólnota Źródlana|Łąkowa", nip="5482311964")
    building = BuildingFactory(street="ul. Żółkiewskiego 7", community=community)
    access = AccessFactory(
        account__premises__building=building,
        account__premises__number="12",
        account__kind="community_ownership",
    )
    account = access.account
    ChargeFactory(account=account, amount=D("250.00"), due_date=datetime.date(2026, 2, 10))
    client.force_login(access.user)
    nip, _pl, nrb, amount, name, title, *_rest = fields_of(client, account, tmp_path)
    assert nip == "5482311964"
    assert nrb == account.virtual_nrb
    assert amount == "025000"
    assert name == "Wspolnota Zrodlana"  # ó, Ź, Ł gone; the "|" never splits a field
    # "Konto 0001001 ul. Zolkiewskiego 7/12" is 36 long: cut at a word, the number kept
    assert title == f"Konto {account.number} ul. Zolkiewskiego"


def test_amount_above_the_format_limit_is_left_to_the_payer(owner_client, account, tmp_path):
    ChargeFactory(account=account, amount=D("10000.00"), due_date=datetime.date(2026, 1, 10))
    fields = fields_of(owner_client, account, tmp_path)
    assert fields[3] == "000000"
    page = owner_client.get(reverse("billing:pay", args=[account.pk])).content.decode()
    assert "10\xa0000,00\xa0zł" in page  # the page still says how much


def test_nothing_owed_gives_no_amount(owner_client, account, tmp_path):
    PaymentFactory(account=account, amount=D("20.00"))
    assert fields_of(owner_client, account, tmp_path)[3] == "000000"


def test_png_decodes_with_polish_text_dropped_to_ascii(tmp_path):
    transfer = Transfer(
        nip="5252248481",
        nrb="75105000997603000000012345",
        amount=D("123.45"),
        name="ZBM Sp. z o.o.",
        title="CZYNSZ 03/2026 ID 00012345",
    )
    assert decode(qr_png(transfer), tmp_path) == (
        "5252248481|PL|75105000997603000000012345|012345|ZBM Sp. z o.o.|"
        "CZYNSZ 03/2026 ID 00012345|||"
    )


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("0.01", "000001"),
        ("1234.56", "123456"),
        ("9999.99", "999999"),
        ("10000.00", "000000"),
        ("0.00", "000000"),
        ("-5.00", "000000"),
        ("12.345", "001235"),  # half up
    ],
)
def test_amount_field(amount, field):
    assert amount_field(D(amount)) == field


def test_ascii_text_and_fit():
    assert ascii_text("Zażółć gęślą jaźń ŁÓDŹ") == "Zazolc gesla jazn LODZ"
    assert ascii_text("A|B  \t C") == "A B C"
    assert fit("Zaklad Budynkow Miejskich", 20) == "Zaklad Budynkow"
    assert fit("Konto0001000ulicaBardzoDlugaNazwa", 20) == "Konto0001000ulicaBar"
    assert fit("krótko", 20) == "krótko"


def test_a_bad_manager_nip_stops_start_up():
    from tests.ebok.test_settings import manage

    result = manage("check", MANAGER_NIP="5482000018")
    assert result.returncode != 0
    assert "MANAGER_NIP is not a valid NIP" in result.stderr
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.MANAGER_NIP)",
        MANAGER_NIP="548-200-00-17",
    )
    assert result.stdout.split()[-1] == "5482000017"  # the QR code needs the bare digits

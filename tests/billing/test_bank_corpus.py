"""The statement corpus (tests/billing/data/banks/, see its README): one file per bank dialect,
each parsed field and each booking as expected; a housing community's statement pays only the
community's accounts; one transfer in a daily and a monthly statement is booked once; entries far
outside a statement's period wait for a clerk; nothing reaches stdout or the log."""

import logging
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.bank.formats import StatementFormatError, parse_statement
from billing.bank.services import statement_import_run, statement_line_assign, statement_upload
from billing.models import Payment, StatementLine
from tests.billing.statements import DATA
from tests.factories import AccountFactory, CommunityFactory, PremisesFactory, StaffFactory

BANKS = DATA / "banks"
PAYER = "45102035410000540201234567"
PAYER2 = "52249010440000990112345678"
COMMUNITY_ACCOUNT = "81102010260000987654321098"

# file: [(title, payer, payer's account, credited virtual account)] of its credit lines
PARSED = {
    "pko_bp.sta": [
        ("CZYNSZ ZA 03/2026 ID 0012345", "JAN KOWALSKI", PAYER, ""),
        ("OPLATA KONTO 67890 MARZEC", "HANS MÜLLER BERLIN", "DE89370400440532013000", ""),
    ],
    "pekao.sta": [
        (
            "OPŁATY ZA LOKAL MARZEC",
            "ANNA NOWAK UL. GŁĘBOKA 5 CIESZYN",
            PAYER,
            "77105000997603000000067890",
        )
    ],
    "mbank.sta": [("ZALICZKA WODA", "PIOTR ZIELIŃSKI CIESZYN", PAYER, "000000012345")],
    "ing.sta": [
        ("OPLATA ZA LOKAL MIESZKALNY NR 12 KONTO 0067890", "KATARZYNA WÓJCIK", PAYER2, "")
    ],
    "santander.sta": [("WODA", "TOMASZ LIS", "", "0000012345")],
    "bnp_paribas.sta": [("CZYNSZ ID 12345", "MAREK BAK", PAYER, "")],
    "millennium.sta": [("CZYNSZ KONTO 67890", "EWA KRÓL", PAYER2, "")],
    "alior.sta": [
        ("CZYNSZ ID 12345", "ADAM NOWY", "", ""),
        ("CZYNSZ ID 67890", "ADAM STARY", "", ""),
    ],
    "bank_spoldzielczy.sta": [("OPŁATA ZA LOKAL ID 67890", "ZOFIA ŻAK", PAYER, "")],
}
# file: [(account number booked to or None, matched by)] of its credit lines, in order
BOOKED = {
    "pko_bp.sta": [("0012345", "title"), ("0067890", "title")],
    "pekao.sta": [("0067890", "virtual")],
    "mbank.sta": [("0012345", "virtual")],
    "ing.sta": [("0067890", "title")],
    "santander.sta": [("0012345", "virtual")],
    "bnp_paribas.sta": [("0012345", "title")],
    "millennium.sta": [("0067890", "title")],
    "alior.sta": [("0012345", "title"), (None, "")],  # 5 Aug 2025: months before the period
    "bank_spoldzielczy.sta": [("0067890", "title")],
}


@pytest.fixture
def clerk(db):
    return StaffFactory(groups=["Księgowość"])


@pytest.fixture
def register(db):
    """Municipal accounts 0012345, 0067890 and 0001001; a community with its own bank account
    and its owner's account 0002001."""
    community = CommunityFactory(
        name="Wspólnota Mieszkaniowa Głęboka 5",
        bank_account=COMMUNITY_ACCOUNT,
        virtual_prefix="10201026000777",
    )
    owned = PremisesFactory(building__community=community)
    return {
        "0012345": AccountFactory(number="0012345"),
        "0067890": AccountFactory(number="0067890"),
        "0001001": AccountFactory(number="0001001"),
        "0002001": AccountFactory(
            number="0002001",
            premises=owned,
            kind="community_ownership",
            virtual_nrb="98102010260007770000002001",
        ),
    }


def run(name, clerk):
    data = (BANKS / name).read_bytes()
    statement = statement_upload(file=SimpleUploadedFile(name, data), clerk=clerk)
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == "done", statement.error
    return statement


@pytest.mark.parametrize("name", sorted(PARSED))
def test_each_dialect_reads_as_the_bank_wrote_it(name, capsys, caplog):
    with caplog.at_level(logging.DEBUG):
        parsed = parse_statement((BANKS / name).read_bytes(), name)
    got = [
        (line.title, line.counterparty_name, line.counterparty_account, line.virtual_account)
        for line in parsed.credits
    ]
    assert got == PARSED[name]
    for line in parsed.lines:
        assert "˙" not in line.title + line.counterparty_name  # PKO's 0xFF fillers are gone
    assert capsys.readouterr().out == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BOOKED))
def test_each_dialect_books_what_it_should(name, clerk, register):
    statement = run(name, clerk)
    lines = StatementLine.objects.filter(statement=statement).order_by("pk")
    got = [(line.account.number if line.account else None, line.matched_by) for line in lines]
    assert got == BOOKED[name]
    for line in lines:
        assert Payment.objects.filter(statement_line=line).count() == (1 if line.account else 0)


@pytest.mark.django_db
def test_an_entry_far_outside_the_period_waits_with_the_reason(clerk, register):
    run("alior.sta", clerk)
    held = StatementLine.objects.get(booked_on=date(2025, 8, 5))
    assert held.status == "unmatched"
    assert held.account is None
    assert "5 sierpnia 2025" in held.hold_reason or "5 August 2025" in held.hold_reason
    assert not Payment.objects.filter(account=register["0067890"]).exists()


@pytest.mark.django_db
def test_a_community_statement_pays_only_the_communitys_accounts(clerk, register):
    statement = run("wspolnota.sta", clerk)
    lines = list(StatementLine.objects.filter(statement=statement).order_by("pk"))
    # "CZYNSZ ID 1001" names the municipal account 0001001: not the community's money to give.
    assert (lines[0].status, lines[0].account) == ("unmatched", None)
    assert lines[1].account == register["0002001"]
    assert lines[1].matched_by == "title"
    # Paid to a municipal virtual account but received on the community's: the clerk decides.
    assert (lines[2].status, lines[2].account) == ("unmatched", None)
    assert {line.bank_account for line in lines} == {COMMUNITY_ACCOUNT}
    assert not Payment.objects.filter(account=register["0001001"]).exists()
    assert not Payment.objects.filter(account=register["0012345"]).exists()
    # Nor can a clerk book it there.
    with pytest.raises(Exception, match="Wspólnota Mieszkaniowa Głęboka 5"):
        statement_line_assign(line=lines[0], account=register["0001001"], clerk=clerk)
    payment = statement_line_assign(line=lines[2], account=register["0002001"], clerk=clerk)
    assert payment.amount == D("55.00")


@pytest.mark.django_db
def test_a_transfer_in_the_daily_and_the_monthly_statement_is_booked_once(clerk, register):
    daily = run("pko_daily_20260302.sta", clerk)
    assert (daily.lines_new, daily.lines_matched) == (3, 3)
    monthly = run("pko_monthly_202603.sta", clerk)
    # The monthly statement repeats the three transfers of 2 March and adds one of 16 March.
    assert (monthly.lines_total, monthly.lines_new, monthly.lines_duplicate) == (4, 1, 3)
    # Two identical transfers of 100,00 on 2 March are two payments; 16 March is a third.
    assert sorted(Payment.objects.filter(account=register["0012345"]).values_list(
        "paid_on", "amount"
    )) == [(date(2026, 3, 2), D("100.00"))] * 2 + [(date(2026, 3, 16), D("100.00"))]
    assert list(Payment.objects.filter(account=register["0067890"]).values_list("amount")) == [
        (D("45.00"),)
    ]


@pytest.mark.django_db
def test_a_statement_of_an_unknown_account_is_refused_when_the_managers_are_listed(
    clerk, register, settings
):
    settings.MUNICIPAL_BANK_ACCOUNTS = ["61 1090 1014 0000 0712 1981 2874"]
    data = (BANKS / "pekao.sta").read_bytes()  # :25: is the municipal range: accepted
    assert run("pekao.sta", clerk).lines_new == 1
    foreign = data.replace(b"PL71105000997603000000000001", b"PL45102035410000540201234567")
    statement = statement_upload(file=SimpleUploadedFile("obcy.sta", foreign), clerk=clerk)
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    # the worker refuses it whole: the reason on the job's page, nothing of it booked
    assert statement.status == "error"
    assert "45102035410000540201234567" in statement.error
    assert not statement.lines.exists()


def test_a_refused_file_prints_and_logs_nothing_of_its_content(capsys, caplog):
    broken = (BANKS / "pekao.sta").read_bytes().replace(b":60F:C", b":60F:X")
    with caplog.at_level(logging.DEBUG), pytest.raises(StatementFormatError):
        parse_statement(broken, "pekao.sta")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ANNA NOWAK" not in captured.err
    assert not [r for r in caplog.records if r.name.startswith("mt940")]

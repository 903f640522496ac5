"""A file cannot book one transfer twice: the statements of one account in it must follow each
other (each opening with the closing before it, none repeated), and the bank's own reference of
a transfer, where the file gives one, is its identity in every file."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.bank.formats import StatementFormatError, parse_statement
from billing.bank.services import line_checksums, statement_import_run, statement_upload
from billing.models import Payment, StatementLine
from tests.billing.statements import Transfer, mbank_csv, mt940
from tests.factories import AccountFactory, StaffFactory

pytestmark = pytest.mark.django_db
NBSP = "\xa0"
TNR = "260611000000001.000001"


@pytest.fixture
def clerk():
    return StaffFactory(groups=["Księgowość"])


@pytest.fixture
def a1001():
    return AccountFactory(number="0001001")  # virtual NRB …0000001001, ID IPH XX000000001001


@pytest.fixture
def a12345():
    return AccountFactory(number="0012345")


def run(data, clerk, name="wyciag.sta"):
    statement = statement_upload(file=SimpleUploadedFile(name, data), clerk=clerk)
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    return statement


def refusal(data, clerk, name="wyciag.sta") -> str:
    """The message the clerk reads for a refused file, wherever it is refused."""
    try:
        statement = run(data, clerk, name)
    except StatementFormatError as error:
        return str(error)
    assert statement.status == "error"
    return statement.error


def paid(account):
    return sorted(Payment.objects.filter(account=account).values_list("amount", flat=True))


def test_one_statement_repeated_2000_times_books_nothing(clerk, a1001):
    # the audit's file: :20: S0 … S1999, each opening 0,00 and closing 12,34 with the same
    # transfer of 12,34 zł to account 1001; as found it booked 2000 × 12,34 = 24 680,00 zł
    one = [Transfer(Decimal("12.34"), iph="000000001001", tnr=TNR)]
    data = "".join(mt940(one, reference=f"S{i}", opening="0") for i in range(2000))
    message = refusal(data.encode("cp1250"), clerk)
    assert "„S1”" in message
    assert "„S0”" in message
    assert not StatementLine.objects.exists()
    assert paid(a1001) == []


def test_statements_that_do_not_chain_are_refused_naming_the_statement(clerk, a1001):
    # S1 opens with 0,00 while S0 before it closed with 0,00 + 12,34 = 12,34
    first = mt940([Transfer(Decimal("12.34"), iph="000000001001", tnr="A1")], reference="S0")
    second = mt940(
        [Transfer(Decimal("20.00"), iph="000000001001", tnr="A2")], reference="S1", number="56"
    )
    message = refusal((first + second).encode("cp1250"), clerk)
    assert "„S1” (nr 56/1)" in message
    assert "„S0” (nr 55/1)" in message
    assert f"0,00{NBSP}zł" in message
    assert f"12,34{NBSP}zł" in message
    assert not StatementLine.objects.exists()
    assert paid(a1001) == []


def test_a_repeated_statement_is_refused_even_when_its_balances_chain(clerk, a1001):
    # +12,34 and −12,34: opens and closes with 0,00, so a copy of it chains with itself
    moves = [
        Transfer(Decimal("12.34"), iph="000000001001", tnr="B1"),
        Transfer(Decimal("12.34"), title="ZWROT", tnr="B2", credit=False),
    ]
    statement = mt940(moves, reference="S7", number="7")
    message = refusal((statement + statement).encode("cp1250"), clerk)
    assert "„S7” (nr 7/1)" in message
    assert not StatementLine.objects.exists()
    assert paid(a1001) == []


def test_statements_that_chain_book_every_transfer_once(clerk, a1001):
    # S0: 0,00 + 12,34 = 12,34; S1: 12,34 + 20,00 = 32,34
    first = mt940([Transfer(Decimal("12.34"), iph="000000001001", tnr="C1")], reference="S0")
    second = mt940(
        [Transfer(Decimal("20.00"), iph="000000001001", tnr="C2")],
        reference="S1",
        number="56",
        opening="12.34",
    )
    statement = run((first + second).encode("cp1250"), clerk)
    assert (statement.status, statement.lines_new) == ("done", 2)
    assert paid(a1001) == [Decimal("12.34"), Decimal("20.00")]


def test_the_bank_reference_in_86_subfields_tells_identical_transfers_apart(clerk, a12345):
    # two identical transfers of 300,00 zł on one day, each reported alone in its own interim
    # file; the bank's reference (~10) is their identity: both count, and the evening's
    # statement holding both (300,00 + 300,00 = 600,00) adds nothing
    def twin(reference):
        return Transfer(Decimal("300.00"), title="CZYNSZ ID 12345", subfield_reference=reference)

    run(mt940([twin("R1")], layout="tilde", reference="I1").encode("cp1250"), clerk)
    run(mt940([twin("R2")], layout="tilde", reference="I2").encode("cp1250"), clerk)
    both = mt940([twin("R1"), twin("R2")], layout="tilde", reference="D1")
    assert run(both.encode("cp1250"), clerk).lines_new == 0
    assert paid(a12345) == [Decimal("300.00"), Decimal("300.00")]


def test_a_file_booked_before_its_86_references_were_identities_books_nothing_again(
    clerk, a12345
):
    # Before ~10 counted as the transfer's identity, the line was keyed by its fingerprint.
    # The same file imported again must not book the 300,00 zł a second time.
    data = mt940(
        [Transfer(Decimal("300.00"), title="CZYNSZ ID 12345", subfield_reference="R1")],
        layout="tilde",
        reference="I1",
    ).encode("cp1250")
    run(data, clerk)
    (fingerprint,) = line_checksums(parse_statement(data, "wyciag.sta"), identities=False)
    StatementLine.objects.update(checksum=fingerprint)  # as the import before stored it
    assert run(data, clerk).lines_new == 0
    assert paid(a12345) == [Decimal("300.00")]


def test_the_61_bank_reference_tells_identical_transfers_apart(clerk, a12345):
    def twin(reference):
        return Transfer(Decimal("300.00"), title="CZYNSZ ID 12345", reference=reference)

    run(mt940([twin("REF1")], layout="tilde", reference="I1").encode("cp1250"), clerk)
    run(mt940([twin("REF2")], layout="tilde", reference="I2").encode("cp1250"), clerk)
    assert run(mt940([twin("REF1")], layout="tilde").encode("cp1250"), clerk).lines_new == 0
    assert paid(a12345) == [Decimal("300.00"), Decimal("300.00")]  # 2 × 300,00


def test_a_csv_row_repeated_is_refused(clerk, a12345):
    # opening 1 000,00; the row (+100,00, balance after 1 100,00) three times; the closing
    # balance was made to add up: 1 000,00 + 3 × 100,00 = 1 300,00, yet each row's balance
    # after should be 1 100,00, 1 200,00, 1 300,00
    row = ("2026-03-02", "PRZELEW", "CZYNSZ ID 12345", "JAN", "1", "100,00", "1 100,00")
    data = mbank_csv([row, row, row]).replace("#Saldo końcowe;1 100,00", "#Saldo końcowe;1 300,00")
    message = refusal(data.encode("cp1250"), clerk, "h.csv")
    assert "Line 2" in message or "Wiersz 2" in message
    assert not StatementLine.objects.exists()
    assert paid(a12345) == []


def test_a_csv_newest_first_whose_balances_follow_books(clerk, a12345):
    # newest first: 1 000,00 + 100,00 = 1 100,00, then + 50,00 = 1 150,00
    rows = [
        ("2026-03-03", "PRZELEW", "CZYNSZ ID 12345", "JAN", "1", "50,00", "1 150,00"),
        ("2026-03-02", "PRZELEW", "CZYNSZ ID 12345", "JAN", "1", "100,00", "1 100,00"),
    ]
    data = mbank_csv(rows).replace("#Saldo końcowe;1 100,00", "#Saldo końcowe;1 150,00")
    assert run(data.encode("cp1250"), clerk, "h.csv").status == "done"
    assert paid(a12345) == [Decimal("50.00"), Decimal("100.00")]

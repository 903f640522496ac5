"""Importing a statement: what gets booked, to which account, and what waits for a clerk."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.bank import tasks
from billing.bank.formats import StatementFormatError
from billing.bank.matching import AccountLookup
from billing.bank.services import (
    StatementLineError,
    statement_import_run,
    statement_line_assign,
    statement_line_ignore,
    statement_upload,
)
from billing.models import Payment, StatementImport, StatementLine
from tests.billing.statements import DATA, Transfer, mbank_csv, mt940
from tests.factories import AccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return StaffFactory(groups=["Księgowość"])


@pytest.fixture
def a12345():
    return AccountFactory(number="0012345")  # virtual NRB …0000012345


@pytest.fixture
def a67890():
    return AccountFactory(number="0067890")


def upload_and_run(data, clerk, name="wyciag.sta", callbacks=None):
    statement = statement_upload(file=SimpleUploadedFile(name, data), clerk=clerk)
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    return statement


def paid(account):
    return sorted(Payment.objects.filter(account=account).values_list("amount", flat=True))


def test_mbank_statement_books_by_virtual_account_and_title(clerk, a12345, a67890):
    statement = upload_and_run((DATA / "mt940_mbank_iph_cp1250.sta").read_bytes(), clerk)
    assert statement.status == "done"
    assert (statement.lines_total, statement.lines_new, statement.lines_matched) == (2, 2, 2)
    assert statement.encoding == "cp1250"
    assert statement.file_format == "mt940"
    payment = Payment.objects.get(account=a12345)
    assert payment.amount == Decimal("450.00")
    assert payment.paid_on == date(2026, 3, 2)
    assert payment.method == "bank"
    assert payment.payer.startswith("ŻANETA ŹRÓDŁOWSKA")
    assert payment.statement_line.matched_by == "virtual"
    # the second transfer's IPH id is unknown, but its title names account 67890
    assert Payment.objects.get(account=a67890).statement_line.matched_by == "title"
    assert Payment.objects.count() == 2  # the outgoing transfer is not a payment


def test_same_file_twice_adds_nothing(clerk, a12345, a67890):
    data = (DATA / "mt940_pko_tilde_cp852.sta").read_bytes()
    first = upload_and_run(data, clerk)
    second = upload_and_run(data, clerk)
    assert (first.lines_new, first.lines_duplicate) == (3, 0)
    assert (second.lines_new, second.lines_duplicate, second.status) == (0, 3, "done")
    assert StatementLine.objects.count() == 3
    assert Payment.objects.count() == 2
    assert paid(a12345) == [Decimal("450.00")]
    assert paid(a67890) == [Decimal("1200.50")]


def test_the_same_statement_in_another_encoding_adds_nothing(clerk, a12345, a67890):
    upload_and_run((DATA / "mt940_pko_tilde_cp852.sta").read_bytes(), clerk)
    again = upload_and_run((DATA / "mt940_pko_tilde_utf8bom.sta").read_bytes(), clerk)
    assert again.lines_new == 0
    assert Payment.objects.count() == 2


def test_two_identical_genuine_transfers_both_count(clerk, a12345):
    twins = [
        Transfer(Decimal("300.00"), title="CZYNSZ", iph="000000012345", tnr=tnr)
        for tnr in ("260611000000001.000001", "260611000000002.000001")
    ]
    statement = upload_and_run(mt940(twins).encode(), clerk)
    assert statement.lines_new == 2
    assert paid(a12345) == [Decimal("300.00"), Decimal("300.00")]


def test_identical_transfers_without_bank_ids_both_count_and_import_once(clerk, a12345):
    twins = [Transfer(Decimal("300.00"), title="CZYNSZ ID 12345") for _ in range(2)]
    data = mt940(twins, layout="tilde").encode("cp1250")
    assert upload_and_run(data, clerk).lines_new == 2
    assert upload_and_run(data, clerk).lines_new == 0
    assert paid(a12345) == [Decimal("300.00"), Decimal("300.00")]


def test_unknown_account_waits_for_a_clerk(clerk, a12345):
    transfers = [Transfer(Decimal("99.99"), title="WPŁATA ZA LUTY 2026", iph="000000099999")]
    statement = upload_and_run(mt940(transfers).encode(), clerk)
    line = StatementLine.objects.get()
    assert line.status == "unmatched"
    assert line.account is None
    assert line.matched_by == ""
    assert statement.lines_matched == 0
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "title",
    [
        "CZYNSZ 03/2026 ID 0012345",
        "czynsz id 12345",
        "Czynsz nr konta 12 345 marzec",
        "ID:O012345 czynsz",  # letter O for a zero
        "ID0012345",
        "opłata 0012345.",
        "przelew na 75 1050 0099 7603 0000 0001 2345",  # the virtual account itself
    ],
)
def test_account_number_in_the_title_with_typos_and_spaces(title, a12345):
    lookup = AccountLookup.load()
    assert lookup.by_title(title) == a12345.pk


@pytest.mark.parametrize(
    "title",
    [
        "CZYNSZ 12345,00 ZŁ",  # an amount
        "FV/12345/2026",  # part of another number
        "ZAMÓWIENIE A12345",  # part of a word
        "ID 12345 ORAZ ID 67890",  # two accounts: the clerk decides
        "ZA ROK 2026",
        "ID 99999",  # no such account
    ],
)
def test_digits_that_are_not_an_account_number_do_not_match(title, a12345, a67890):
    lookup = AccountLookup.load()
    assert lookup.by_title(title) is None


def test_short_number_counts_only_after_a_word_like_id():
    short = AccountFactory(number="1234")
    lookup = AccountLookup.load()
    assert lookup.by_title("WPŁATA 1234") is None  # could be anything
    assert lookup.by_title("WPŁATA NR 1234") == short.pk


def test_year_is_not_an_account_number_even_when_one_exists(clerk):
    AccountFactory(number="2026")
    lookup = AccountLookup.load()
    assert lookup.by_title("CZYNSZ ZA MARZEC 2026") is None
    assert lookup.by_title("CZYNSZ 03/2026") is None
    assert lookup.by_title("KONTO 2026") is not None


def test_csv_with_thousands_dots_books_the_whole_amount(clerk, a12345):
    statement = upload_and_run((DATA / "mbank_history_cp1250.csv").read_bytes(), clerk, "h.csv")
    assert statement.file_format == "mbank_csv"
    assert paid(a12345) == [Decimal("23000.00")]  # `23.000,00` in the file
    assert StatementLine.objects.filter(status="unmatched").count() == 1
    assert statement.lines_total == 2  # the fee is a debit


def test_overlapping_csv_exports_book_each_operation_once(clerk, a12345):
    row = ("2026-03-02", "PRZELEW", "CZYNSZ ID 12345", "JAN", "1", "100,00", "1 100,00")
    later = ("2026-03-03", "PRZELEW", "CZYNSZ ID 12345", "JAN", "1", "100,00", "1 200,00")
    upload_and_run(mbank_csv([row]).encode("cp1250"), clerk, "a.csv")
    upload_and_run(mbank_csv([row, later]).encode("cp1250"), clerk, "b.csv")
    assert paid(a12345) == [Decimal("100.00"), Decimal("100.00")]


def test_debits_are_not_stored(clerk, a12345):
    transfers = [
        Transfer(Decimal("50.00"), title="ID 12345"),
        Transfer(Decimal("20.00"), title="ID 12345 ZWROT", credit=False),
    ]
    upload_and_run(mt940(transfers).encode(), clerk)
    assert StatementLine.objects.count() == 1
    assert paid(a12345) == [Decimal("50.00")]


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_file_books_nothing(clerk, a12345, cut):
    data = mt940([Transfer(Decimal("10.00"), title=f"ID 12345 {i}") for i in range(5)]).encode()
    cut_file = SimpleUploadedFile("x.sta", data[: int(len(data) * cut)])
    try:
        statement = statement_upload(file=cut_file, clerk=clerk)
    except StatementFormatError:  # cut before it looks like a statement: refused at upload
        assert not StatementImport.objects.exists()
    else:  # the worker reads it and refuses it whole
        statement_import_run(statement_id=statement.pk)
        statement.refresh_from_db()
        assert statement.status == "error"
        assert statement.error
    assert not StatementLine.objects.exists()
    assert not Payment.objects.exists()


def test_upload_of_what_is_no_statement_stores_nothing(clerk):
    with pytest.raises(StatementFormatError):
        statement_upload(file=SimpleUploadedFile("x.sta", b"Hello,\r\nworld\r\n"), clerk=clerk)
    assert not StatementImport.objects.exists()


def test_file_damaged_after_upload_ends_in_error_with_nothing_booked(clerk, a12345):
    data = mt940([Transfer(Decimal("10.00"), title="ID 12345")]).encode()
    statement = statement_upload(file=SimpleUploadedFile("x.sta", data), clerk=clerk)
    with statement.file.open("wb") as handle:
        handle.write(data[:60])
    statement_import_run(statement_id=statement.pk)
    statement.refresh_from_db()
    assert statement.status == "error"
    assert statement.error
    assert not StatementLine.objects.exists()
    assert not Payment.objects.exists()


def test_upload_queues_the_task_after_commit_and_stores_under_a_random_name(
    clerk, django_capture_on_commit_callbacks
):
    data = mt940([Transfer(Decimal("10.00"))]).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        upload = SimpleUploadedFile("wyciąg marzec.sta", data)
        statement = statement_upload(file=upload, clerk=clerk)
    assert len(callbacks) == 1
    # the upload only stores the file: the worker reads it (lines_total is set then)
    assert statement.status == "pending"
    assert statement.lines_total == 0
    assert statement.original_name == "wyciąg marzec.sta"
    assert "marzec" not in statement.file.name
    assert statement.file.read() == data


def test_task_run_twice_books_once(clerk, a12345):
    data = mt940([Transfer(Decimal("10.00"), title="ID 12345")]).encode()
    statement = statement_upload(file=SimpleUploadedFile("x.sta", data), clerk=clerk)
    assert tasks.statement_import_run(statement.pk) == "done"
    assert tasks.statement_import_run(statement.pk) == "skipped"
    assert paid(a12345) == [Decimal("10.00")]


def test_clerk_assigns_an_unmatched_line_once(clerk, a12345, a67890):
    upload_and_run(mt940([Transfer(Decimal("77.00"), title="WPŁATA")]).encode(), clerk)
    line = StatementLine.objects.get()
    payment = statement_line_assign(line=line, account=a67890, clerk=clerk)
    assert payment.account == a67890
    assert payment.amount == Decimal("77.00")
    assert payment.paid_on == line.booked_on
    assert payment.posted_by == clerk
    line.refresh_from_db()
    assert (line.status, line.matched_by, line.account, line.assigned_by) == (
        "matched",
        "clerk",
        a67890,
        clerk,
    )
    assert line.assigned_at is not None
    with pytest.raises(StatementLineError, match="0067890"):
        statement_line_assign(line=line, account=a12345, clerk=clerk)
    assert Payment.objects.count() == 1


def test_automatically_matched_line_cannot_be_assigned_again(clerk, a12345, a67890):
    upload_and_run(mt940([Transfer(Decimal("5.00"), iph="000000012345")]).encode(), clerk)
    with pytest.raises(StatementLineError):
        statement_line_assign(line=StatementLine.objects.get(), account=a67890, clerk=clerk)
    assert paid(a67890) == []


def test_clerk_ignores_a_line_with_a_reason(clerk, a12345):
    upload_and_run(mt940([Transfer(Decimal("8.00"), title="ZWROT OD DOSTAWCY")]).encode(), clerk)
    line = StatementLine.objects.get()
    with pytest.raises(StatementLineError):
        statement_line_ignore(line=line, clerk=clerk, reason="  ")
    statement_line_ignore(line=line, clerk=clerk, reason="Zwrot nadpłaty od dostawcy")
    line.refresh_from_db()
    assert line.status == "ignored"
    assert line.ignore_reason == "Zwrot nadpłaty od dostawcy"
    with pytest.raises(StatementLineError):
        statement_line_assign(line=line, account=a12345, clerk=clerk)
    assert not Payment.objects.exists()

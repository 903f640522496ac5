"""Reading bank files: MT940 of Polish banks and mBank's CSV, in every encoding banks use."""

from datetime import date
from decimal import Decimal

import pytest

from billing.bank.formats import StatementFormatError, parse_amount, parse_statement
from billing.bank.formats.mt940 import parse_details
from tests.billing.statements import DATA, Transfer, mbank_csv, mt940


def read(name):
    return parse_statement((DATA / name).read_bytes(), name)


SUBFIELD_SAMPLES = [
    ("mt940_pko_tilde_cp852.sta", "cp852"),
    ("mt940_pko_tilde_cp1250.sta", "cp1250"),
    ("mt940_pko_tilde_utf8bom.sta", "utf-8-sig"),
    ("mt940_lt_iso8859-2.sta", "iso-8859-2"),
]


@pytest.mark.parametrize(("name", "encoding"), SUBFIELD_SAMPLES)
def test_mt940_with_subfields_in_every_encoding(name, encoding):
    statement = read(name)
    assert statement.file_format == "mt940"
    assert statement.encoding == encoding
    assert statement.account == "PL61109010140000071219812874"
    first, second, fee, unknown = statement.lines
    assert first.booked_on == date(2026, 3, 2)
    assert first.amount == Decimal("450.00")
    assert first.credit
    assert first.title == "CZYNSZ 03/2026 ID 0012345"
    assert first.counterparty_name == "JAN KOWALSKI UL. GŁĘBOKA 1/2 CIESZYN"
    assert first.counterparty_account == "45102035410000540201234567"
    assert first.bank_reference == "26030200000001"
    # a title cut at 27 characters mid-number is joined back without a space
    assert second.title == "OPŁATA ZA LOKAL, NR KONTA 67 890, MARZEC"
    assert second.counterparty_name == "ŻANETA ĆWIK-ŁĘCKA UL. ŚLĄSKA 5 43-400 CIESZYN"
    assert second.amount == Decimal("1200.50")
    assert not fee.credit
    assert fee.amount == Decimal("35.00")
    assert unknown.amount == Decimal("23000.00")
    assert unknown.title == "ZALICZKA ŹRÓDŁO ŚWIĘTOKRZYSKIE 2026"
    assert [line.position for line in statement.credits] == [1, 2, 4]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("mt940_mbank_iph_cp1250.sta", "cp1250"), ("mt940_mbank_iph_iso8859-2.sta", "iso-8859-2")],
)
def test_mbank_mt940_with_virtual_account_and_transaction_number(name, encoding):
    statement = read(name)
    assert statement.encoding == encoding
    first, second, outgoing = statement.lines
    assert first.virtual_account == "000000012345"
    assert first.bank_reference == "260611073864111.000001"
    assert first.identity.endswith("|260611073864111.000001")
    assert first.title == "CZYNSZ MARZEC ŁĄCZNIE"
    assert first.counterparty_name == "ŻANETA ŹRÓDŁOWSKA UL. ŚLĄSKA 5 43-400 CIESZYN"
    assert first.counterparty_account == "45102035410000540201234567"
    assert second.title == "WPŁATA ZA LOKAL 67890"
    assert second.counterparty_name == "JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKÓW"
    assert not outgoing.credit
    assert [line.amount for line in statement.credits] == [Decimal("450.00"), Decimal("120.00")]


def test_public_mbank_sample_from_the_mt940_package():
    """mt-940's own mBank sample (an MT942 interim report of mBank Collect)."""
    statement = read("mt940pkg_mbank_mt942.sta")
    assert len(statement.credits) == 3
    assert [line.virtual_account for line in statement.lines] == [
        "000000000001",
        "000000000002",
        "000000000003",
    ]
    assert statement.lines[0].bank_reference == "179171073864111.010001"
    assert statement.lines[0].title == "PRZELEW SRODKOW"
    assert statement.lines[0].counterparty_name == "JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKOW"


def test_public_foreign_currency_sample_is_refused():
    with pytest.raises(StatementFormatError, match="EUR"):
        read("mt940pkg_jejik_generic.sta")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("mbank_history_cp1250.csv", "cp1250"),
        ("mbank_history_iso8859-2.csv", "iso-8859-2"),
        ("mbank_history_utf8.csv", "utf-8"),
    ],
)
def test_mbank_csv_in_every_encoding(name, encoding):
    statement = read(name)
    assert statement.file_format == "mbank_csv"
    assert statement.encoding == encoding
    assert statement.account == "07114020040000320276034397"
    big, fee, small = statement.lines
    assert big.amount == Decimal("23000.00")  # written `23.000,00`
    assert big.credit
    assert big.booked_on == date(2026, 3, 5)
    assert big.title == "CZYNSZ ZA MARZEC, ID 0012345"
    assert big.counterparty_name == "ŻANETA ŹRÓDŁOWSKA UL. ŚLĄSKA 5 43-400 CIESZYN"
    assert big.counterparty_account == "45102035410000540201234567"
    assert not fee.credit
    assert small.title == "Wpłata; czynsz luty 2026"  # a `;` inside quotes stays in the title
    assert small.amount == Decimal("12.50")


def test_a_wrong_single_byte_guess_is_not_taken():
    """ISO-8859-2 bytes of ą, ś, ź read as Windows-1250 would give ±, ¶, Ľ; CP1250 bytes of ś,
    ź read as ISO-8859-2 would give control characters. Either way the text comes back right."""
    text = mt940([Transfer(Decimal("10.00"), title="ŚWIĄTECZNA WPŁATA ŹRÓDŁO Ąść")])
    for encoding in ("cp1250", "iso-8859-2", "cp852", "utf-8"):
        statement = parse_statement(text.encode(encoding), "x.sta")
        assert statement.encoding == encoding
        assert statement.lines[0].title == "ŚWIĄTECZNA WPŁATA ŹRÓDŁO Ąść"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("23.000,00", "23000.00"),
        ("23 000,00", "23000.00"),
        ("23\u00a0000,00 PLN", "23000.00"),
        ("-1 234,56", "-1234.56"),
        ("+5 000,00", "5000.00"),
        ("450,5", "450.5"),
        ("12.50", "12.50"),
    ],
)
def test_amounts_as_banks_write_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["1e3", "12,345", "١٢٣,٤٥", "", "abc", "1,2,3", "--5"])
def test_not_amounts(text):
    with pytest.raises(StatementFormatError):
        parse_amount(text)


def test_truncated_mt940_is_refused():
    whole = (DATA / "mt940_pko_tilde_cp1250.sta").read_bytes()
    cut = whole[: whole.index(b":62F:")]
    with pytest.raises(StatementFormatError, match="salda końcowego|saldem końcowym"):
        parse_statement(cut, "cut.sta")
    with pytest.raises(StatementFormatError):
        parse_statement(whole[: len(whole) // 2], "half.sta")


def test_mt940_whose_balances_do_not_add_up_is_refused():
    text = mt940([Transfer(Decimal("100.00"))])
    text = text.replace(":62F:C260302PLN100,00", ":62F:C260302PLN90,00")
    with pytest.raises(StatementFormatError, match="się nie zgadzają"):
        parse_statement(text.encode(), "x.sta")


def test_truncated_csv_is_refused():
    whole = (DATA / "mbank_history_cp1250.csv").read_bytes()
    with pytest.raises(StatementFormatError, match="salda końcowego|saldem końcowym"):
        parse_statement(whole[: whole.index(b"\r\n\r\n#Saldo ko")], "cut.csv")
    cut_in_a_row = whole[: whole.index(b"'45102035410000540201234567'") + 10]
    with pytest.raises(StatementFormatError):
        parse_statement(cut_in_a_row, "cut.csv")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "Zwykły list, nie wyciąg.".encode(),
        b":20:X\r\n:25:PL1\r\n:28C:1\r\n:60F:C260301PLN0,00\r\n\x85\x86garbage",
        b"data;kwota\n2026-03-01;12,00\n",
    ],
)
def test_garbage_is_refused_with_a_message(data):
    with pytest.raises(StatementFormatError) as error:
        parse_statement(data, "smieci.bin")
    assert str(error.value)


def test_c1_control_characters_are_refused():
    text = mt940([Transfer(Decimal("10.00"), title="CZYNSZ\u0085")])
    with pytest.raises(StatementFormatError, match="znaki sterujące"):
        parse_statement(text.encode("utf-8"), "x.sta")


def test_csv_identity_is_the_balance_after_so_identical_transfers_differ():
    rows = [
        ("2026-03-02", "PRZELEW", "CZYNSZ", "JAN", "1", "100,00", "1 100,00"),
        ("2026-03-02", "PRZELEW", "CZYNSZ", "JAN", "1", "100,00", "1 200,00"),
    ]
    first, second = parse_statement(mbank_csv(rows).encode("cp1250"), "x.csv").lines
    assert first.identity != second.identity


def test_details_in_other_separators_and_free_text():
    plus = parse_details("020+00PRZELEW+20CZYNSZ 1/2026+21ID 12345+32JAN NOWAK+38PL4510")
    assert plus["title"] == "CZYNSZ 1/2026 ID 12345"
    assert plus["counterparty_name"] == "JAN NOWAK"
    assert parse_details("WPLATA ZA\nCZYNSZ") == {"title": "WPLATA ZA CZYNSZ"}

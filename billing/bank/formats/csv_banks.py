"""The CSV export of mBank's operation history ("Elektroniczne zestawienie operacji").

As mBank writes it (Windows-1250, `;` between fields, text in double quotes, the
counterparty's account in single quotes so a spreadsheet keeps it as text):

    mBank S.A. Bankowość Detaliczna;
    …
    #Za okres:;
    01.03.2026;31.03.2026;
    #Numer rachunku;
    12 1140 2004 0000 3202 7603 4397;
    #Saldo początkowe;
    1 000,00 PLN;

    #Data operacji;#Data księgowania;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;#Numer konta;↵
    #Kwota;#Saldo po operacji;
    2026-03-02;2026-03-02;PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY;"CZYNSZ 03/2026 ID 0001234";↵
    "JAN KOWALSKI UL. DŁUGA 1";'81114020040000330261746759';1 234,56;2 234,56;
    …
    #Saldo końcowe;2 234,56 PLN;

(↵: one line in the file.) Columns are found by their names, so the older order
(`#Data księgowania` first) and the shorter "Lista operacji" export
(`#Data operacji;#Opis operacji;#Rachunek;#Kategoria;#Kwota;`) read too. Amounts may have
spaces or dots between thousands (`23.000,00`) and a currency. The export has no transaction
ids; the balance after each operation identifies a line in any export of the same account.
"""

import csv
import io
import re
import unicodedata
from datetime import date

from django.utils.translation import gettext as _

from billing.bank.formats.base import (
    ParsedLine,
    ParsedStatement,
    StatementFormatError,
    normalize_account,
    parse_amount,
)
from core.dates import day_from
from core.money import format_pln

FORMAT = "mbank_csv"
HEADER = re.compile(r"(?mi)^[ \t]*#Data [^;\n]*;.*#Kwota")
_NOT_DIGIT = re.compile(r"[^0-9]")
_SPACES = re.compile(r"\s+")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{2}[.-]\d{2}[.-]\d{4})$")

# column name without diacritics → field
COLUMNS = {
    "data ksiegowania": "booked_on",
    "data operacji": "operation_date",
    "tytul": "title",
    "opis operacji": "description",
    "nadawca/odbiorca": "counterparty_name",
    "numer konta": "counterparty_account",
    "kwota": "amount",
    "saldo po operacji": "balance",
}


def looks_like_mbank_csv(text: str) -> bool:
    return bool(HEADER.search(text))


def _plain(text: str) -> str:
    text = text.strip().lstrip("#").strip().lower().replace("ł", "l")
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _cell(text: str) -> str:
    return _SPACES.sub(" ", (text or "").strip().strip("'").strip()).strip()


def _parse_date(text: str) -> date:
    text = text.strip()
    if not _DATE.match(text):
        raise ValueError(text)
    if "-" in text[:5] and len(text.split("-")[0]) == 4:
        return date.fromisoformat(text)
    return day_from(text.replace("-", "."), "%d.%m.%Y")


def _preamble(lines):
    """{label: value} of the `#Label;` lines; the value is on the same line or the next."""
    values = {}
    for i, line in enumerate(lines):
        cells = [c for c in (_cell(x) for x in line.split(";")) if c]
        following = []
        if i + 1 < len(lines):
            following = [c for c in (_cell(x) for x in lines[i + 1].split(";")) if c]
        if len(cells) > 1 and all(c.startswith("#") for c in cells):
            # a row of labels over a row of values: `#Waluta;#Wpływy;#Wydatki;`
            if following and not any(c.startswith("#") for c in following):
                for label, value in zip(cells, following, strict=False):
                    values.setdefault(_plain(label).rstrip(":"), [value])
            continue
        for j, cell in enumerate(cells):
            if not cell.startswith("#"):
                continue
            label = _plain(cell).rstrip(":")
            if j + 1 < len(cells) and not cells[j + 1].startswith("#"):
                values.setdefault(label, cells[j + 1 :])
            elif j == len(cells) - 1 and following and not following[0].startswith("#"):
                values.setdefault(label, following)
    return values


def parse_mbank_csv(text: str, encoding: str) -> ParsedStatement:
    match = HEADER.search(text)
    if not match:
        raise StatementFormatError(_("The CSV file has no table of operations."))
    head, table = text[: match.start()], text[match.start() :]
    preamble = _preamble(head.splitlines())
    rows = list(csv.reader(io.StringIO(table), delimiter=";", quotechar='"'))
    header = [_plain(c) for c in rows[0]]
    columns = {COLUMNS[name]: i for i, name in enumerate(header) if name in COLUMNS}
    if "amount" not in columns or not ({"booked_on", "operation_date"} & set(columns)):
        raise StatementFormatError(
            _("The CSV file's table has no date or amount column: is it an mBank export?")
        )
    width = max(columns.values()) + 1

    account = _NOT_DIGIT.sub("", " ".join(preamble.get("numer rachunku", [])))
    period = "-".join(preamble.get("za okres", []))
    lines, balances, total, end = [], [], 0, len(rows)
    for number, row in enumerate(rows[1:], start=1):
        first = _cell(row[0]) if row else ""
        if not _DATE.match(first):
            end = number
            break
        line, balance = _row(row, columns, width, number, account)
        lines.append(line)
        balances.append(balance)
        total += line.amount if line.credit else -line.amount
    tail = _preamble([";".join(row) for row in rows[end:]])

    _check_balances(preamble, tail, total)
    _check_running_balance(lines, balances)
    start, end_day = _period(preamble.get("za okres", []))
    return ParsedStatement(
        file_format=FORMAT,
        encoding=encoding,
        account=account,
        reference=f"{account}|{period}",
        lines=tuple(lines),
        period_start=start,
        period_end=end_day,
    )


def _period(cells):
    """(first, last day) of `#Za okres:` (`01.03.2026;31.03.2026`), or (None, None)."""
    try:
        first, last = (_parse_date(c) for c in cells[:2])
    except (ValueError, TypeError):  # missing, or not dates
        return None, None
    return first, last


def _row(row, columns, width, position, account) -> ParsedLine:
    if len(row) < width:
        raise StatementFormatError(
            _("Line %(number)s of the CSV file is incomplete: the file may be cut short.")
            % {"number": position}
        )

    def get(name):
        return _cell(row[columns[name]]) if name in columns else ""

    try:
        booked_on = _parse_date(get("booked_on") or get("operation_date"))
    except ValueError:
        raise StatementFormatError(
            _("Line %(number)s of the CSV file has no valid date.") % {"number": position}
        ) from None
    try:
        amount = parse_amount(get("amount"))
        balance = parse_amount(get("balance")) if get("balance") else None
    except StatementFormatError as error:
        raise StatementFormatError(
            _("Line %(number)s of the CSV file: %(error)s") % {"number": position, "error": error}
        ) from None
    title = get("title") or get("description")
    identity = ""
    if balance is not None:
        identity = f"{account}|{booked_on}|{amount}|{balance}"
    line = ParsedLine(
        position=position,
        booked_on=booked_on,
        amount=abs(amount),
        credit=amount > 0,
        title=title,
        counterparty_name=get("counterparty_name"),
        counterparty_account=normalize_account(get("counterparty_account")),
        identity=identity,
        account=account,
    )
    return line, balance


def _check_running_balance(lines, balances):
    """Each operation's balance after it must follow from its neighbour's, oldest first or
    newest first (mBank writes either): a row copied or left out shows as a break, even where
    the opening and closing balances were made to add up."""
    if len(lines) < 2 or None in balances:
        return
    signed = [line.amount if line.credit else -line.amount for line in lines]
    pairs = list(range(1, len(lines)))
    if all(balances[i] == balances[i - 1] + signed[i] for i in pairs):
        return
    if all(balances[i - 1] == balances[i] + signed[i - 1] for i in pairs):
        return
    oldest_first = lines[0].booked_on <= lines[-1].booked_on
    for i in pairs:
        broken = (
            balances[i] != balances[i - 1] + signed[i]
            if oldest_first
            else balances[i - 1] != balances[i] + signed[i - 1]
        )
        if broken:
            break
    raise StatementFormatError(
        _(
            "Line %(number)d of the CSV file: the balance after the operation (%(balance)s) "
            "does not follow from the line before it. A row was repeated or left out; "
            "nothing was booked. Download the statement from the bank again."
        )
        % {"number": lines[i].position, "balance": format_pln(balances[i])}
    )


def _check_balances(preamble, tail, total):
    opening = preamble.get("saldo poczatkowe")
    closing = tail.get("saldo koncowe") or preamble.get("saldo koncowe")
    if opening and not closing:
        raise StatementFormatError(
            _(
                "The CSV file ends before its closing balance: it is incomplete. Download it "
                "from the bank again."
            )
        )
    if opening and closing:
        opening, closing = parse_amount(opening[0]), parse_amount(closing[0])
        if opening + total != closing:
            raise StatementFormatError(
                _(
                    "The CSV file's balances do not add up (opening %(opening)s + operations "
                    "%(total)s ≠ closing %(closing)s): the file is incomplete or was changed."
                )
                % {"opening": opening, "total": total, "closing": closing}
            )

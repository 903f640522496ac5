"""CSV files that people open in a spreadsheet (Polish Excel, LibreOffice): `;` between fields,
CRLF, and every text cell made inert.

A cell that starts with = + - @, a tab or a carriage return is run as a formula by spreadsheets
(`=HYPERLINK(…)` in a bank transfer's title, say); such a cell gets a leading apostrophe, which
spreadsheets show as text (OWASP, "CSV injection"). Numbers we write ourselves, such as -12,50,
stay numbers."""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_STARTERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def inert(value: object) -> object:
    """The cell as a spreadsheet must read it: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTERS):
        if not _PLAIN_NUMBER.fullmatch(value):
            return "'" + value
    return value


def decimal_cell(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as Polish spreadsheets read it: a decimal comma, no grouping ("1234,50");
    empty for None. `places` fixes the decimals, else the value's own are kept."""
    if value is None:
        return ""
    text = f"{value:.{places}f}" if places is not None else f"{value}"
    return text.replace(".", ",")


class SpreadsheetWriter:
    """csv.writer with the spreadsheet dialect above; use it for every CSV the project writes."""

    def __init__(self, out: "SupportsWrite[str]") -> None:
        self._writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> object:
        return self._writer.writerow([inert(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

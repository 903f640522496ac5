"""Reading bank statements: MT940 of Polish banks and mBank's CSV export.
`parse_statement(data, filename)` decodes the bytes (see encoding.py), recognises the format by
its content and returns a ParsedStatement, or raises StatementFormatError with a message for
the clerk. Nothing here touches the database.
"""
from django.utils.translation import gettext as _

from billing.bank.formats.base import (
    ParsedLine,
    ParsedStatement,
    StatementFormatError,
    parse_amount,
)
from billing.bank.formats.csv_banks import looks_like_mbank_csv, parse_mbank_csv
from billing.bank.formats.encoding import decode_statement
from billing.bank.formats.mt940 import looks_like_mt940, parse_mt940

__all__ = [
    "ParsedLine",
    "ParsedStatement",
    "StatementFormatError",
    "parse_amount",
    "parse_statement",
]
def parse_statement(data: bytes, filename: str = "") -> ParsedStatement:
    text, encoding = decode_statement(data)
    if looks_like_mt940(text):
        return parse_mt940(text, encoding)
    if looks_like_mbank_csv(text):
        return parse_mbank_csv(text, encoding)
    raise StatementFormatError(
        _(
            "“%(name)s” is neither an MT940 statement nor an mBank CSV export of operations."
        )
        % {"name": filename or _("The file")}
    )

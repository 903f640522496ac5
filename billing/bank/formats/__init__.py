"""Reading bank statements: MT940 of Polish banks and mBank's CSV export.
`parse_statement(data, filename)` decodes the bytes (see encoding.py), recognises the format by
its content and returns a ParsedStatement, or raises StatementFormatError with a message for
the clerk. Nothing here touches the database.
"""
import csv

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from billing.bank.formats.base import (
    ParsedLine,
    ParsedStatement,
    StatementFormatError,
    parse_amount,
)
from billing.bank.formats.csv_banks import FORMAT as MBANK_CSV
from billing.bank.formats.csv_banks import looks_like_mbank_csv, parse_mbank_csv
from billing.bank.formats.encoding import decode_statement
from billing.bank.formats.mt940 import FORMAT as MT940
from billing.bank.formats.mt940 import looks_like_mt940, parse_mt940

__all__ = [
    "ParsedLine",
    "ParsedStatement",
    "StatementFormatError",
    "parse_amount",
    "parse_statement",
    "sniff_statement",
]
# The longest each field may be (the columns that keep it); a bank's own fields are far
# shorter (a SWIFT :86: title is at most 6 × 65 characters), so longer means a damaged file.
FIELD_LIMITS = {
    "title": 500,
    "counterparty_name": 300,
    "counterparty_account": 34,
    "virtual_account": 34,
    "bank_reference": 100,
    "identity": 500,
}
FIELD_NAMES = {
    "title": _lazy("transfer title"),
    "counterparty_name": _lazy("payer"),
    "counterparty_account": _lazy("payer's account"),
    "virtual_account": _lazy("credited account"),
    "bank_reference": _lazy("bank reference"),
    "identity": _lazy("transaction id"),
}


def sniff_statement(data: bytes, filename: str = "") -> tuple[str, str]:
    """(format, encoding) of a file that looks like a statement we read, without reading its
    transactions; or StatementFormatError. Fast enough for a web request at any size."""
    text, encoding = decode_statement(data)
    if looks_like_mt940(text):
        return MT940, encoding
    if looks_like_mbank_csv(text):
        return MBANK_CSV, encoding
    raise _not_a_statement(filename)


def _not_a_statement(filename):
    return StatementFormatError(
        _("“%(name)s” is neither an MT940 statement nor an mBank CSV export of operations.")
        % {"name": filename or _("The file")}
    )


def parse_statement(data: bytes, filename: str = "") -> ParsedStatement:
    """The statement in `data`, or StatementFormatError with a message for the clerk: a file
    that is damaged, cut short or oversized in any field is refused whole, never half read."""
    text, encoding = decode_statement(data)
    try:
        if looks_like_mt940(text):
            parsed = parse_mt940(text, encoding)
        elif looks_like_mbank_csv(text):
            parsed = parse_mbank_csv(text, encoding)
        else:
            raise _not_a_statement(filename)
    except StatementFormatError:
        raise
    except (csv.Error, ValueError, ArithmeticError, LookupError, TypeError) as error:
        # Only the kind of error goes further: the file's content is personal data.
        raise StatementFormatError(
            _(
                "The file cannot be read: it is damaged or incomplete (%(kind)s). Download the "
                "statement from the bank again."
            )
            % {"kind": type(error).__name__}
        ) from None
    for line in parsed.lines:
        for field, limit in FIELD_LIMITS.items():
            length = len(getattr(line, field))
            if length > limit:
                raise StatementFormatError(
                    _(
                        "Line %(line)d: the %(field)s has %(length)d characters, more than a "
                        "bank ever writes (%(limit)d). The file is damaged; nothing was booked."
                    )
                    % {
                        "line": line.position,
                        "field": FIELD_NAMES[field],
                        "length": length,
                        "limit": limit,
                    }
                )
    return parsed

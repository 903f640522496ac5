"""What every statement parser returns, and the error it raises."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.inputs import parse_decimal


class StatementFormatError(Exception):
    """The file is not a statement we can read; the message says why, for the clerk."""


@dataclass(frozen=True)
class ParsedLine:
    position: int  # 1-based, in the order of the file
    booked_on: date
    amount: Decimal  # always positive; `credit` says the direction
    credit: bool  # money in; only these become payments
    title: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    virtual_account: str = ""  # the credited (virtual) account, or its identifier part
    bank_reference: str = ""  # shown to the clerk
    # The bank's own unique id of the transaction, or a key built from data that identifies
    # it in any file (e.g. the balance after it); empty when the file has neither.
    identity: str = ""
    account: str = ""  # the statement's bank account that received it


@dataclass(frozen=True)
class ParsedStatement:
    file_format: str
    encoding: str
    account: str  # the statement's own bank account
    reference: str  # the statement's reference, to tell its lines from another's
    lines: tuple = field(default_factory=tuple)
    # The days the statement covers (its opening and closing balances' dates), when it says.
    period_start: date | None = None
    period_end: date | None = None

    @property
    def credits(self):
        return [line for line in self.lines if line.credit]


_IBAN = re.compile(r"^([A-Z]{2})([0-9]{2}[0-9A-Z]{8,30})$")
_NOT_DIGIT = re.compile(r"[^0-9]")


def normalize_account(text: str) -> str:
    """A bank account as stored: a Polish one as its 26-digit NRB, a foreign IBAN with its
    country code (`DE89370400440532013000`), anything else as its digits."""
    compact = re.sub(r"[\s'\-/]", "", text or "").upper()
    match = _IBAN.match(compact)
    if match and match.group(1) != "PL":
        return compact
    return _NOT_DIGIT.sub("", compact)


_CURRENCY = re.compile(r"\s*(PLN|ZŁ|ZL)$", re.IGNORECASE)


def parse_amount(text: str) -> Decimal:
    """A signed amount as Polish banks write it: `1 234,56`, `23.000,00`, `-10,50`, `+5 000,00
    PLN`. At most two decimals; anything else is a StatementFormatError."""
    raw = _CURRENCY.sub("", (text or "").strip().strip("'\""))
    sign = 1
    if raw[:1] in ("+", "-"):
        sign = -1 if raw[0] == "-" else 1
        raw = raw[1:].lstrip()
    number = parse_decimal(raw) if raw and raw[:1] != "-" else None
    if number is None or number.as_tuple().exponent < -2:
        raise StatementFormatError(_("“%(text)s” is not an amount.") % {"text": text})
    return sign * number

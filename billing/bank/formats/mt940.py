"""MT940 statements of Polish banks.

The `mt-940` package reads the SWIFT envelope (`:20:` … `:62F:`, amounts, dates); the `:86:`
details are ours, in the two shapes Polish banks use:

- numbered subfields after a separator (`~`, `<`, `+`, `^` or `?`) that follows the 3-digit
  transaction code: title `20`–`27`, counterparty sort code `30` and account `31`, name and
  address `32`–`33`, counterparty IBAN `38` (PKO BP, ING, Pekao, Millennium and others);
- mBank's labelled free text: `911 TRANSAKCJA COLLECT; ID IPH: XX000000012345; Z RACH.: …;
  OD: …; TYT.: …; TNR: 179171073864111.010001`, where `ID IPH` identifies the virtual
  account credited and `TNR` is the bank's unique transaction number.

A file whose envelope is cut short or whose balances do not add up is refused as a whole.
"""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import mt940
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from billing.bank.formats.base import (
    ParsedLine,
    ParsedStatement,
    StatementFormatError,
    normalize_account,
)
from core.money import format_pln

FORMAT = "mt940"
SUBFIELD_SEPARATORS = "~<+^?"
TITLE_FIELDS = [str(n) for n in range(20, 28)]
NAME_FIELDS = ["32", "33"]
REFERENCE_FIELD = "10"  # the bank's reference of the transaction (BNP Paribas `^10`, …)
WRAP_WIDTH = 27  # subfields of a long title or name are cut at this width
# mBank's labels; a value runs up to the next label (a title may itself contain ';').
MBANK_LABEL = re.compile(r"(?:^|;)\s*(ID IPH|Z RACH\.|NA RACH\.|OD|DLA|TYT\.|TNR):\s*")
NO_REFERENCE = {"", "NONREF", "NONE", "BRAK"}
_SPACES = re.compile(r"\s+")
_NRB_IN_TEXT = re.compile(r"(?<![0-9])(?:PL)?\s?([0-9](?:\s?[0-9]){25})(?![0-9])")
_NOT_DIGIT = re.compile(r"[^0-9]")


def looks_like_mt940(text: str) -> bool:
    # a block may open with SOH on the same line (mBank CompanyNet)
    return bool(re.search(r"(?m)^\x01?:20:", text)) and bool(
        re.search(r"(?m)^:(25|60[FM]):", text)
    )


def parse_mt940(text: str, encoding: str) -> ParsedStatement:
    # SWIFT block marks (SOH/ETX, `{1:…}{4:`, `-}`) and a DOS end-of-file mark are not data.
    text = re.sub(r"[\x01\x03\x1a]", "\n", text)
    text = _TAG_LINE.sub(lambda m: m.group(0).rstrip(), text)  # filler after a tag's value
    text = _STATEMENT_NUMBER.sub(_statement_number, text)
    blocks = _parse_blocks(text)
    if not blocks:
        raise StatementFormatError(_("The file has no MT940 statement in it."))
    lines, accounts, references, days = [], [], [], []
    for block in blocks:
        account, reference = _check_block(block)
        accounts.append(account)
        references.append(reference)
        days += _balance_days(block)
        for transaction in block:
            lines.append(_line(transaction.data, len(lines) + 1, account))
    _check_sequence(blocks, accounts)
    # A bank reference that repeats in one file is not unique: do not trust it as the id.
    counts = {}
    for line in lines:
        if line.identity:
            counts[line.identity] = counts.get(line.identity, 0) + 1
    lines = [
        line
        if not line.identity or counts[line.identity] == 1
        else replace(line, identity="")
        for line in lines
    ]
    return ParsedStatement(
        file_format=FORMAT,
        encoding=encoding,
        account=",".join(dict.fromkeys(accounts)),
        reference=";".join(references),
        lines=tuple(lines),
        period_start=min(days, default=None),
        period_end=max(days, default=None),
    )


# A tag line other than `:86:` (whose text may end in a space that separates words).
_TAG_LINE = re.compile(r"(?m)^:(?!86:)[0-9]{2}[A-Z]?:[^\n]*$")
_STATEMENT_NUMBER = re.compile(r"(?m)^:28C?:([^\n]*)$")


def _statement_number(match) -> str:
    """`:28C:` as the parser reads it (5n[/5n]) from what banks write: `00055/001`, `55`,
    BNP Paribas' `01/2023/M`."""
    numbers = re.findall(r"[0-9]+", match.group(1))
    if not numbers:
        return ":28C:0"
    number = numbers[0][-5:]
    return f":28C:{number}/{numbers[1][-5:]}" if len(numbers) > 1 else f":28C:{number}"


def _balance_days(block) -> list:
    days = []
    for key in (
        "final_opening_balance",
        "intermediate_opening_balance",
        "final_closing_balance",
        "intermediate_closing_balance",
    ):
        balance = block.data.get(key)
        day = getattr(balance, "date", None)
        if day is not None:
            days.append(date(day.year, day.month, day.day))
    return days


def _parse_blocks(text):
    try:
        return mt940.parse_statements(
            text,
            # keep `:86:` as the bank wrote it: the package's own details parser is German
            processors={"post_transaction_details": []},
            options=mt940.Options(unbounded_details=True, strip_bom=True),
        )
    except (RuntimeError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise StatementFormatError(
            _("The MT940 file is damaged: %(detail)s") % {"detail": _describe(error)}
        ) from None


def _describe(error) -> str:
    if isinstance(error, RuntimeError) and len(error.args) >= 3:
        return _("cannot read the field “%(value)s”.") % {"value": str(error.args[2])[:60]}
    return str(error)[:200]


def _check_block(block) -> tuple[str, str]:
    """(account, reference) of one statement, after checking it is whole: its balances (or,
    in an MT942 interim report, its sums of entries) must agree with its transactions."""
    data = block.data
    account = (data.get("account_identification") or "").strip().lstrip("/")
    reference = (data.get("transaction_reference") or "").strip()
    if not account:
        raise StatementFormatError(_("The MT940 statement has no account number (:25:)."))
    if block.currency and block.currency != "PLN":
        raise StatementFormatError(
            _("The statement is in %(currency)s; only statements in PLN can be imported.")
            % {"currency": block.currency}
        )
    if "sum_credit_entries" in data and "final_opening_balance" not in data:
        _check_sums(block)
    else:
        _check_balances(block)
    number = data.get("statement_number") or ""
    sequence = data.get("sequence_number") or ""
    return account, f"{account}|{reference}|{number}/{sequence}"


def _check_balances(block):
    data = block.data
    opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    if opening is None:
        raise StatementFormatError(_("The MT940 statement has no opening balance (:60F:)."))
    if closing is None:
        raise StatementFormatError(
            _(
                "The MT940 statement has no closing balance (:62F:): the file is incomplete. "
                "Download it from the bank again."
            )
        )
    total = sum((_signed(t.data) for t in block), Decimal(0))
    if opening.amount.amount + total != closing.amount.amount:
        raise StatementFormatError(
            _(
                "The MT940 statement's balances do not add up (opening %(opening)s + "
                "transactions %(total)s ≠ closing %(closing)s): the file is incomplete or "
                "was changed."
            )
            % {
                "opening": opening.amount.amount,
                "total": total,
                "closing": closing.amount.amount,
            }
        )


def _check_sequence(blocks, accounts):
    """Several statements of one account in a file must follow each other: none twice, and
    each opening with the balance the one before it closed with. A statement repeated (or
    any copy whose balances do not chain) would otherwise book its transfers again."""
    previous = {}  # account → (name, closing balance) of its last statement so far
    seen = {}  # (account, number) or the statement's whole content → its name
    for block, account in zip(blocks, accounts, strict=True):
        data = block.data
        name = _statement_name(data)
        number = (data.get("statement_number") or "", data.get("sequence_number") or "")
        opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
        closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
        # the same balances and transactions under another reference are the same statement
        content = (account, str(opening), str(closing), tuple(str(t.data) for t in block))
        keys = [content] + ([(account, number)] if number[0].strip("0") else [])
        for key in keys:
            if key in seen:
                raise StatementFormatError(
                    _(
                        "Statement %(name)s repeats statement %(first)s of account "
                        "%(account)s: the file was put together wrongly. Nothing was booked; "
                        "download the statements from the bank again."
                    )
                    % {"name": name, "first": seen[key], "account": account}
                )
            seen[key] = name
        if account in previous and opening is not None:
            before, closed = previous[account]
            if closed is not None and opening.amount.amount != closed:
                raise StatementFormatError(
                    _(
                        "Statement %(name)s of account %(account)s opens with %(opening)s, "
                        "but statement %(before)s before it closed with %(closed)s: the "
                        "statements do not follow each other. Nothing was booked; download "
                        "the statements from the bank again."
                    )
                    % {
                        "name": name,
                        "account": account,
                        "opening": format_pln(opening.amount.amount),
                        "before": before,
                        "closed": format_pln(closed),
                    }
                )
        previous[account] = (name, closing.amount.amount if closing is not None else None)


def _statement_name(data) -> str:
    """How a clerk finds the statement: its reference (:20:) and number (:28C:)."""
    reference = (data.get("transaction_reference") or "").strip()
    number = str(data.get("statement_number") or "").strip()
    sequence = str(data.get("sequence_number") or "").strip()
    if sequence:
        number = f"{number}/{sequence}"
    if not number:
        return _("“%(reference)s”") % {"reference": reference}
    return _("“%(reference)s” (no. %(number)s)") % {"reference": reference, "number": number}


def _check_sums(block):
    amounts = [_signed(t.data) for t in block]
    for key, entries in (
        ("sum_credit_entries", [a for a in amounts if a > 0]),
        ("sum_debit_entries", [-a for a in amounts if a < 0]),
    ):
        expected = block.data.get(key)
        if expected is None:
            raise StatementFormatError(
                _("The MT942 report has no sums of entries (:90C:, :90D:): it is incomplete.")
            )
        if int(expected.number or 0) != len(entries) or abs(expected.amount) != sum(
            entries, Decimal(0)
        ):
            raise StatementFormatError(
                _(
                    "The MT942 report's sums of entries do not agree with its transactions: "
                    "the file is incomplete or was changed."
                )
            )


def _signed(data) -> Decimal:
    if "amount" not in data or "status" not in data:
        raise StatementFormatError(_("An MT940 transaction (:61:) is incomplete."))
    amount = abs(data["amount"].amount)
    return amount if data["status"] in ("C", "RD") else -amount


def _line(data, position, statement_account) -> ParsedLine:
    details = data.get("transaction_details") or ""
    parsed = parse_details(details)
    identity = parsed.pop("identity", "")
    bank_reference = (data.get("bank_reference") or "").strip()
    if not identity and bank_reference.upper() not in NO_REFERENCE:
        identity = bank_reference
    day = data.get("entry_date") or data.get("date")
    if day is None:
        raise StatementFormatError(_("An MT940 transaction (:61:) has no date."))
    return ParsedLine(
        position=position,
        booked_on=date(day.year, day.month, day.day),
        amount=abs(data["amount"].amount),
        # RC and RD are reversals, not payments by anybody: never booked to an account
        credit=data["status"] == "C",
        bank_reference=(identity or bank_reference)[:100],
        identity=f"{statement_account}|{identity}" if identity else "",
        account=statement_account,
        **parsed,
    )


def parse_details(details: str) -> dict:
    """title, counterparty_name, counterparty_account, virtual_account and identity of one
    `:86:` field, whichever of the Polish shapes it has."""
    fields = split_subfields(details)
    if fields is not None:
        return _subfield_details(fields)
    if MBANK_LABEL.search(details.replace("\n", " ")):
        return _mbank_details(details)
    return {"title": _clean(details.replace("\n", " "))}


def split_subfields(details: str):
    """{'20': 'CZYNSZ…', '32': 'JAN KOWALSKI', …}, or None when not in subfields. A second
    `:86:` of the same transaction (the parser joins them with a line break) repeats the
    transaction code: it is dropped, and its subfields continue the first's."""
    rows = details.replace("\r", "").split("\n")
    code = rows[0][:3] if rows[0][:3].isdigit() else None
    if code:
        rows = [rows[0]] + [
            row[3:] if row[:3] == code and row[3:4] in SUBFIELD_SEPARATORS else row
            for row in rows[1:]
        ]
    flat = "".join(rows)
    rest = flat[3:] if flat[:3].isdigit() else flat
    separator = rest[:1]
    if not separator or separator not in SUBFIELD_SEPARATORS:
        return None
    fields, key = {}, None
    for chunk in rest[1:].split(separator):
        if len(chunk) >= 2 and chunk[:2].isdigit():
            key = chunk[:2]
            fields[key] = fields.get(key, "") + chunk[2:]
        elif key is not None:  # the separator was part of the text
            fields[key] += separator + chunk
    return fields


def _join_wrapped(parts) -> str:
    """Subfields continue each other: a full-width part was cut mid-word, a shorter one ended."""
    text = ""
    for i, part in enumerate(parts):
        if i and len(parts[i - 1]) < WRAP_WIDTH:
            text += " "
        text += part
    return _clean(text)


def _subfield_details(fields) -> dict:
    title = _join_wrapped([fields[k] for k in TITLE_FIELDS if fields.get(k)])
    name = _join_wrapped([fields[k] for k in NAME_FIELDS if fields.get(k)])
    account = normalize_account(fields.get("38", ""))
    if not account and fields.get("30") and fields.get("31"):
        account = _nrb_from_parts(fields["30"], fields["31"])
    reference = _SPACES.sub("", fields.get(REFERENCE_FIELD, ""))
    return {
        "title": title,
        "counterparty_name": name,
        "counterparty_account": account,
        "virtual_account": _virtual_account(fields),
        "identity": "" if reference.upper() in NO_REFERENCE else reference,
    }


def _virtual_account(fields) -> str:
    """The credited virtual account: subfield 29 (its number, or the payer's identifier part
    of it), else a 26-digit account number in any subfield that is not the title, the payer or
    the payer's account."""
    own = normalize_account(fields.get("29", ""))
    if own.isdigit() and len(own) >= 6:
        return own
    for key, value in fields.items():
        if key in TITLE_FIELDS or key in NAME_FIELDS or key in ("00", "10", "30", "31", "38"):
            continue
        found = _NRB_IN_TEXT.search(value)
        if found:
            return _NOT_DIGIT.sub("", found.group(1))
    return ""


def _nrb_from_parts(sort_code: str, number: str) -> str:
    sort_code, number = _NOT_DIGIT.sub("", sort_code), _NOT_DIGIT.sub("", number)
    try:
        return str(IBAN.generate("PL", bank_code=sort_code, account_code=number))[2:]
    except SchwiftyException:
        return sort_code + number


def _mbank_details(details: str) -> dict:
    flat = _clean(details.replace("\n", " "))
    matches = list(MBANK_LABEL.finditer(flat))
    values = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(flat)
        values[match.group(1)] = flat[match.end() : end].strip(" ;")
    return {
        "title": values.get("TYT.", ""),
        "counterparty_name": values.get("OD", ""),
        "counterparty_account": _NOT_DIGIT.sub("", values.get("Z RACH.", "")),
        # `XX000000012345`: the X's hide the payee's own prefix, the digits identify the payer
        "virtual_account": _NOT_DIGIT.sub("", values.get("ID IPH", "")),
        "identity": _SPACES.sub("", values.get("TNR", "")),
    }


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()

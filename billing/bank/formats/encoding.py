"""Decoding bank files: UTF-8 (with or without a BOM), Windows-1250, ISO-8859-2 or CP852.

The single-byte code pages decode almost any bytes without an error, so a wrong guess does
not fail, it garbles: CP1250 read as ISO-8859-2 turns ś, ź, Ś, Ź into C1 control characters,
ISO-8859-2 read as CP1250 turns ą, ś, ź into ±, ¶, Ľ. Each candidate is decoded, those that
give control characters are dropped, and the one whose text reads most like Polish wins.
"""

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

from billing.bank.formats.base import StatementFormatError

POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Tried in this order; on a tie the earlier one wins (Windows-1250 is what banks send most).
SINGLE_BYTE = ("cp1250", "iso-8859-2", "cp852")
# C0 controls a bank file may carry: tab, line ends, SWIFT block start/end (SOH, ETX) and the
# DOS end-of-file mark. Anything else below 0x20, and every C1 control, means a wrong guess
# or a file that is not text.
ALLOWED_CONTROLS = frozenset("\t\n\r\x01\x03\x1a")
_BAD_CONTROL = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in ALLOWED_CONTROLS)
    + "\x7f-\x9f]"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _has_bad_controls(text: str) -> bool:
    return _BAD_CONTROL.search(text) is not None


def _score(text: str) -> int:
    """Polish letters count for a reading, symbols and rare letters against it."""
    score = 0
    for ch in _NON_ASCII.findall(text):
        if ch in POLISH_LETTERS:
            score += 2
        elif unicodedata.category(ch).startswith("L"):
            score -= 1  # a letter, but not a Polish one: Ľ, ŕ, Ă …
        else:
            score -= 3  # ±, ¶, ¤, box drawing …
    return score


def decode_statement(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a bank file, or StatementFormatError."""
    # Fillers: PKO BP pads fields with 0xFF bytes (˙ in Windows-1250, never a letter of a
    # statement), and some exports pad the file's end with NULs.
    data = data.rstrip(b"\x00").replace(b"\xff", b" ")
    if not data.strip():
        raise StatementFormatError(_("The file is empty."))
    if b"\x00" in data:
        raise StatementFormatError(
            _("This is not a text file: it cannot be a bank statement.")
        )
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _utf8(data[len(codecs.BOM_UTF8) :]), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _single_byte(data)
    if _has_bad_controls(text):
        raise StatementFormatError(
            _(
                "The file contains control characters: it is not a text bank statement, or "
                "it is in an encoding other than UTF-8, Windows-1250, ISO-8859-2 or CP852."
            )
        )
    return text, encoding


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise StatementFormatError(
            _("The file says it is UTF-8 but is not valid UTF-8.")
        ) from None


def _single_byte(data: bytes) -> tuple[str, str]:
    readings = []
    for encoding in SINGLE_BYTE:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue  # a byte undefined in this code page
        if not _has_bad_controls(text):
            readings.append((_score(text), -SINGLE_BYTE.index(encoding), text, encoding))
    if not readings:
        raise StatementFormatError(
            _(
                "The file's encoding is not recognised: save it as UTF-8, Windows-1250, "
                "ISO-8859-2 or CP852."
            )
        )
    _score_, _order, text, encoding = max(readings)
    return text, encoding

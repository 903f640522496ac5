"""Transfer QR codes in the Polish banks' "2D" format (ZBP recommendation, 2013).

Nine fields joined by `|`: recipient NIP | PL | NRB | amount in grosze (6 digits) | recipient
name (≤ 20) | title (≤ 32) | three reserved fields, left empty. Banking apps differ on Polish
letters, so name and title are ASCII; above 9,999.99 zł the amount is 000000 and the payer
types it. See DOMAIN.md §5.
"""

import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import segno

from core.money import money

MAX_AMOUNT = Decimal("9999.99")
NAME_LENGTH = 20
TITLE_LENGTH = 32
# Letters that Unicode decomposition does not reduce to ASCII.
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D"})


def ascii_text(text: str) -> str:
    """Polish letters without their marks, anything else non-ASCII dropped, and `|` (the field
    separator) turned into a space."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA)).replace("|", " ")
    kept = "".join(ch for ch in decomposed if ch.isascii() and ch.isprintable())
    return " ".join(kept.split())


def fit(text: str, length: int) -> str:
    """At most `length` characters, cut at a word boundary where one is near."""
    if len(text) <= length:
        return text
    cut = text[:length]
    space = cut.rfind(" ")
    return (cut[:space] if space >= length // 2 else cut).rstrip(" ,.-/")


def amount_field(amount: Decimal) -> str:
    amount = money(amount)
    if amount <= 0 or amount > MAX_AMOUNT:
        return "000000"
    return f"{int(amount * 100):06d}"


@dataclass(frozen=True)
class Transfer:
    nip: str
    nrb: str  # 26 digits
    amount: Decimal
    name: str
    title: str

    def payload(self) -> str:
        fields = [
            self.nip,
            "PL",
            self.nrb,
            amount_field(self.amount),
            fit(ascii_text(self.name), NAME_LENGTH),
            fit(ascii_text(self.title), TITLE_LENGTH),
            "",
            "",
            "",
        ]
        return "|".join(fields)


def qr_code(transfer: Transfer):
    # Error correction L as the recommendation says; no boosting, so the code stays sparse.
    return segno.make(transfer.payload(), error="l", boost_error=False, micro=False)


def qr_png(transfer: Transfer, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    qr_code(transfer).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

"""Validators for numbers people type: NRB (Polish bank account) and NIP."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.pl import nip as stdnum_nip

_SEPARATORS = re.compile(r"[\s-]")


def normalize_nrb(value: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    if digits.upper().startswith("PL"):
        digits = digits[2:]
    return digits


def validate_nrb(value: str) -> None:
    nrb = normalize_nrb(value)
    if not (len(nrb) == 26 and nrb.isascii() and nrb.isdigit()):
        raise ValidationError(
            _("A bank account number (NRB) has exactly 26 digits."), code="nrb_length"
        )
    try:
        IBAN("PL" + nrb)
    except SchwiftyException:
        raise ValidationError(
            _("This bank account number (NRB) is not valid: check the digits."), code="nrb_checksum"
        ) from None


def normalize_nip(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def validate_nip(value: str) -> None:
    nip = normalize_nip(value)
    if not (len(nip) == 10 and nip.isascii() and nip.isdigit()):
        raise ValidationError(_("A NIP has exactly 10 digits."), code="nip_length")
    if not stdnum_nip.is_valid(nip) or nip == "0" * 10:
        raise ValidationError(
            _("This NIP is not valid: check the digits."), code="nip_checksum"
        )


def format_nrb(value: str) -> str:
    """26 digits as banks print them: 2 + 6 groups of 4."""
    nrb = normalize_nrb(value)
    return " ".join([nrb[:2]] + [nrb[i : i + 4] for i in range(2, 26, 4)])


def make_virtual_nrb(prefix: str, number: str) -> str:
    """A virtual account: 8-digit sort code + 6-digit payee code + 10-digit account number."""
    account_code = prefix[8:] + number.zfill(10)
    return str(IBAN.generate("PL", bank_code=prefix[:8], account_code=account_code))[2:]

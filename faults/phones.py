"""Polish phone numbers as people type them: `600 123 456`, `+48 600-123-456`, `(33) 852 12 34`,
`0048600123456`. Stored as 9 digits, shown in groups."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-().]")
_NUMBER = re.compile(r"^(?:\+48|0048)?([0-9]{9})$")


def normalize_phone(value: str) -> str:
    """The 9 national digits, or ValidationError."""
    compact = _SEPARATORS.sub("", value or "")
    match = _NUMBER.match(compact) if compact.isascii() else None
    if match is None:
        raise ValidationError(
            _("Enter a Polish phone number of 9 digits, e.g. 600 123 456."), code="invalid_phone"
        )
    return match.group(1)


def format_phone(digits: str) -> str:
    if len(digits) == 9:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits

"""Single-line text people type that ends up in an e-mail header (a subject, a title): CR, LF
and other control characters would break the header or smuggle in new ones."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value or ""))


def validate_one_line(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(
            _("Write it on one line, without line breaks or tabs."), code="control_characters"
        )


def one_line(value: str) -> str:
    """The text fit for an e-mail header: control characters become spaces, runs collapse."""
    return " ".join(_CONTROL.sub(" ", value or "").split())

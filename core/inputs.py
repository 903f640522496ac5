"""Form fields for numbers people type: `123,45` or `123.45`, spaces between thousands; no
exponents, no non-ASCII digits, no more decimals than the field keeps. And months: `03/2026`."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[ \u00a0\u202f]")
_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
# 23.000,00 (Polish thousands dots) and 23,000.00 (English thousands commas)
_DOT_GROUPS = re.compile(r"^-?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+$")
_COMMA_GROUPS = re.compile(r"^-?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+$")
_MONTH = re.compile(r"^\s*(?:(\d{1,2})[./-](\d{4})|(\d{4})-(\d{1,2}))\s*$")


def parse_decimal(value: str) -> Decimal | None:
    """The Decimal a person meant, or None when the text is not a plain number."""
    text = _SPACES.sub("", str(value).strip())
    if _DOT_GROUPS.match(text):
        text = text.replace(".", "")
    elif _COMMA_GROUPS.match(text):
        text = text.replace(",", "")
    text = text.replace(",", ".")
    if not (text.isascii() and _NUMBER.match(text)):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class TypedDecimalField(forms.DecimalField):
    default_error_messages = {
        "invalid": _("Enter a number, e.g. 123,45."),
    }

    # django-stubs type DecimalField.to_python as IntegerField's (int | None).
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        number = parse_decimal(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text input with a decimal keyboard: type=number rejects the Polish comma.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs["inputmode"] = "decimal"
        return attrs


class MoneyField(TypedDecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)


class MonthField(forms.CharField):
    """A month typed as 03/2026, 03.2026 or 2026-03; cleaned to its first day."""

    default_error_messages = {"invalid": _("Enter a month as MM/YYYY, e.g. 03/2026.")}

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]  # text in, date out
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value) if value.isascii() else None
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
        if not (1 <= int(month) <= 12 and 2000 <= int(year) <= 2100):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(year), int(month), 1)

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%m/%Y}" if isinstance(value, date) else value

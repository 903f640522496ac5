"""The reading field: what people type, and what it refuses."""

from decimal import Decimal

import pytest

from meters.forms import ReadingValueField


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123,456", "123.456"),
        ("123.456", "123.456"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,500", "1234.500"),
        ("0", "0"),
        (" 42 ", "42"),
        ("999999,999", "999999.999"),
    ],
)
def test_accepts_what_people_type(typed, expected):
    assert ReadingValueField().clean(typed) == Decimal(expected)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        ("-0,001", "cannot be negative"),
        ("1e3", "as a number in m³"),
        ("abc", "as a number in m³"),
        ("12,3,4", "as a number in m³"),
        ("١٢٣", "as a number in m³"),  # Arabic-Indic digits
        ("１２３", "as a number in m³"),  # full-width digits
        ("NaN", "as a number in m³"),
        ("Infinity", "as a number in m³"),
        ("123,4567", "at most 3 decimal places"),
        ("1000000", "too large"),
        ("99999999999999999999", "too large"),
    ],
)
def test_refuses_with_a_clear_message(typed, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        ReadingValueField().clean(typed)
    assert message in " ".join(error.value.messages)

"""Money: PLN amounts as Decimal in NUMERIC(12, 2), rounded the way people and banks do, and
written as the reader's language writes them (core/numbers.py)."""

from decimal import ROUND_HALF_UP, Decimal

from core.numbers import NBSP, format_decimal

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Round to grosze the way people and banks do (half up, not Python's half even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_pln(value: Decimal, currency: bool = True, language: str | None = None) -> str:
    """In the active language (or `language`): Polish "1 234,56 zł" (non-breaking spaces),
    English "1,234.56 zł"; a minus sign "−" where negative."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money is Decimal, not {type(value).__name__}")
    text = format_decimal(money(value), 2, language=language)
    return f"{text}{NBSP}zł" if currency else text


def format_price(value: Decimal, language: str | None = None) -> str:
    """A unit price with the decimal places it needs, at least two: "31,3008", "1 234,50"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a price is Decimal, not {type(value).__name__}")
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    return format_decimal(value, places, language=language)

"""Money: PLN amounts as Decimal in NUMERIC(12, 2), rounded the way people and banks do."""

from decimal import ROUND_HALF_UP, Decimal

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")
NBSP = "\u00a0"


def money(value: Decimal | int | str) -> Decimal:
    """Round to grosze the way people and banks do (half up, not Python's half even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_pln(value: Decimal, currency: bool = True) -> str:
    """As Polish readers write it: "1 234,56 zł" (non-breaking spaces), a minus sign "−"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money is Decimal, not {type(value).__name__}")
    whole, _dot, cents = f"{abs(money(value)):.2f}".partition(".")
    text = f"{_signed_groups(value, whole)},{cents}"
    return f"{text}{NBSP}zł" if currency else text


def format_price(value: Decimal) -> str:
    """A unit price with the decimal places it needs, at least two: "31,3008", "1 234,50"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a price is Decimal, not {type(value).__name__}")
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    whole, _dot, fraction = f"{abs(value):.{places}f}".partition(".")
    return f"{_signed_groups(value, whole)},{fraction}"


def _signed_groups(value: Decimal, whole: str) -> str:
    """The whole part in groups of three joined by non-breaking spaces, with "−" if negative."""
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("−" if value < 0 else "") + NBSP.join(groups)

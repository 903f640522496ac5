"""Money: PLN amounts as Decimal in NUMERIC(12, 2), rounded the way people and banks do."""

from decimal import ROUND_HALF_UP, Decimal

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")
NBSP = "\u00a0"


def money(value) -> Decimal:
    """Round to grosze the way people and banks do (half up, not Python's half even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_pln(value: Decimal, currency: bool = True) -> str:
    """As Polish readers write it: "1 234,56 zł" (non-breaking spaces), a minus sign "−"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money is Decimal, not {type(value).__name__}")
    sign = "−" if value < 0 else ""
    whole, _dot, cents = f"{abs(money(value)):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{NBSP.join(groups)},{cents}"
    return f"{text}{NBSP}zł" if currency else text


def format_price(value: Decimal) -> str:
    """A unit price with the decimal places it needs, at least two: "31,3008", "1 234,50"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a price is Decimal, not {type(value).__name__}")
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent if isinstance(exponent, int) else 0)
    sign = "−" if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):.{places}f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{fraction}"

"""Money: PLN amounts as Decimal in NUMERIC(12, 2), rounded the way people and banks do."""

from decimal import ROUND_HALF_UP, Decimal

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round to grosze the way people and banks do (half up, not Python's half even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)

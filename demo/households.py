"""What several demo modules share about a demo household."""

from decimal import Decimal


def demo_persons(account_number: str) -> Decimal:
    """How many people live in a demo flat: 1 to 4, from its account number. The waste fee and
    the water advance are charged per person, and the flat's meters count their water."""
    return Decimal(1 + int(account_number) % 4)

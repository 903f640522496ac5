"""An amount in Polish words, as invoices print it: "sto dwadzieścia trzy złote 45/100"."""

from decimal import Decimal

from num2words import num2words

from core.money import money


def zloty_form(n: int) -> str:
    """złoty / złote / złotych by the Polish plural rules."""
    if n == 1:
        return "złoty"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "złote"
    return "złotych"


def amount_in_words(amount: Decimal) -> str:
    amount = money(amount)
    sign = "minus " if amount < 0 else ""
    amount = abs(amount)
    whole = int(amount)
    grosze = int((amount - whole) * 100)
    return f"{sign}{num2words(whole, lang='pl')} {zloty_form(whole)} {grosze:02d}/100"

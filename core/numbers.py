"""Numbers as the reader's language writes them: Polish "1 234,56" (non-breaking space, decimal
comma), English "1,234.56". The language is the active one (the reader's on a page; documents
rendered under `translation.override("pl")` stay Polish)."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language

NBSP = "\u00a0"
MINUS = "−"
# (decimal separator, thousands separator) by language; another language reads as Polish.
SEPARATORS = {"pl": (",", NBSP), "en": (".", ",")}


def separators(language: str | None = None) -> tuple[str, str]:
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return SEPARATORS.get(code, SEPARATORS["pl"])


def format_decimal(
    value: Decimal, places: int, *, grouping: bool = True, language: str | None = None
) -> str:
    """`value` to `places` decimals (rounded half even by the format, so round money before),
    with "−" if negative and the language's separators."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a number here is Decimal, not {type(value).__name__}")
    point, thousands = separators(language)
    whole, _dot, fraction = f"{abs(value):.{places}f}".partition(".")
    if grouping:
        whole = _grouped(whole, thousands)
    sign = MINUS if value < 0 and any(d not in "0" for d in whole + fraction) else ""
    return f"{sign}{whole}{point}{fraction}" if fraction else f"{sign}{whole}"


def format_volume(value: Decimal, language: str | None = None) -> str:
    """A volume in m³ with the decimals it has, never padded and never grouped, so that no
    reader takes "1,400" (1.4 m³ in Polish) for fourteen hundred: "1,4", "145", "12345,678"."""
    if not isinstance(value, Decimal):
        raise TypeError(f"a volume is Decimal, not {type(value).__name__}")
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(value, places, grouping=False, language=language)


def _grouped(whole: str, thousands: str) -> str:
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return thousands.join(groups)

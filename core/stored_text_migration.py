"""For data migrations that turn texts stored in Polish into keys with parameters: a stored
text's Polish pattern becomes a regular expression whose groups give the parameters back, each
read as its type (core.stored_text's tags). A text no pattern matches stays as it is."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

# The nominative ("listopad 2026", core.dates.month_label) and the genitive ("5 grudnia 2026",
# Django's "E") of the Polish month names.
MONTHS_NOMINATIVE = (
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad "
    "grudzień"
).split()
MONTHS_GENITIVE = (
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada "
    "grudnia"
).split()

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _amount(text: str) -> dict[str, str]:
    number = _SPACES.sub("", text).removesuffix("zł").replace("−", "-").replace(",", ".")
    return {"amount": str(Decimal(number))}


def _day(text: str) -> dict[str, str]:
    day, month, year = text.split(".")
    return {"day": date(int(year), int(month), int(day)).isoformat()}


def _month_name(text: str) -> dict[str, str]:
    name, year = text.split()
    return {"month_name": date(int(year), MONTHS_NOMINATIVE.index(name) + 1, 1).isoformat()}


def _long_day(text: str) -> dict[str, str]:
    day, name, year = text.split()
    return {"long_day": date(int(year), MONTHS_GENITIVE.index(name) + 1, int(day)).isoformat()}


PARSERS = {
    "amount": _amount,
    "day": _day,
    "month_name": _month_name,
    "long_day": _long_day,
}


@dataclass(frozen=True)
class Pattern:
    """A key, the Polish text it was stored as, and the type of each typed parameter (the
    others are text)."""

    key: str
    polish: str
    types: tuple[tuple[str, str], ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        parts = re.split(r"%\((\w+)\)s", self.polish)
        source = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        return re.compile(f"^{source}$", re.DOTALL)

    def match(self, text: str) -> dict[str, Any] | None:
        """The parameters `text` was made with, or None when it was not made so."""
        found = self.regex.match(text)
        if found is None:
            return None
        types = dict(self.types)
        params: dict[str, Any] = {}
        try:
            for name, value in found.groupdict().items():
                params[name] = PARSERS[types[name]](value) if name in types else value
        except (ValueError, InvalidOperation):
            return None
        return params


def first_match(patterns: Iterable[Pattern], text: str) -> tuple[str, dict[str, Any]] | None:
    for pattern in patterns:
        params = pattern.match(text)
        if params is not None:
            return pattern.key, params
    return None

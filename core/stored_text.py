"""Texts the system composes and stores (a charge's title, a notification's subject): kept as
a message key with parameters and rendered in the reader's language when read.

The key is the English msgid, marked at the place that writes it with `gettext_noop` so that
makemessages finds it; a stored key whose msgid later changes still reads, in English. The
parameters are JSON: text and numbers as they are, and typed values (a day, a month, an
amount, a name given per language, another stored text) tagged so that they are written in the
reader's language too. Each model keeps the Polish rendering in its text column as well: the
admin searches it, legal documents print it, and it is what a row reads when its key cannot be
rendered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext
from django.utils.translation.trans_real import CONTEXT_SEPARATOR

from core.dates import month_label
from core.formats import format_amount, format_day

JsonValue = Any


@dataclass(frozen=True)
class Month:
    """A month as "11/2026" (a charge's period)."""

    day: date


@dataclass(frozen=True)
class MonthName:
    """A month in running text: "listopad 2026", "November 2026"."""

    day: date


@dataclass(frozen=True)
class LongDay:
    """A day in running text: "5 grudnia 2026", "5 December 2026"."""

    day: date


@dataclass(frozen=True)
class Volume:
    """Cubic metres, with the decimals the value has: "1,4", "145"."""

    value: Decimal


@dataclass(frozen=True)
class Names:
    """A name staff give per language (a fee component's): Polish, and English if given."""

    pl: str
    en: str = ""


@dataclass(frozen=True)
class StoredText:
    """A key with its parameters, before it is stored."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def encoded(self) -> dict[str, JsonValue]:
        return encode_params(self.params)

    def polish(self) -> str:
        """The text the row's text column keeps."""
        with translation.override(settings.LANGUAGE_CODE):
            return render(self.key, self.encoded())

    def __str__(self) -> str:
        return render(self.key, self.encoded())


# type -> (tag, its value as JSON); the first that fits wins (a datetime is also a date).
ENCODERS: tuple[tuple[type, str, Callable[[Any], JsonValue]], ...] = (
    (Month, "month", lambda v: v.day.isoformat()),
    (MonthName, "month_name", lambda v: v.day.isoformat()),
    (LongDay, "long_day", lambda v: v.day.isoformat()),
    (Volume, "volume", lambda v: str(v.value)),
    (Names, "names", lambda v: {"pl": v.pl, "en": v.en}),
    (StoredText, "text", lambda v: {"key": v.key, "params": v.encoded()}),
    (Decimal, "amount", str),
    (datetime, "moment", lambda v: v.isoformat()),
    (date, "day", lambda v: v.isoformat()),
)


@dataclass(frozen=True)
class Encoded:
    """A parameter already as JSON: a stored text read back from its row."""

    json: JsonValue


def stored_param(key: str, params: dict[str, JsonValue], text: str) -> Encoded | str:
    """A row's stored text as a parameter of another (a correction of a charge): its key and
    parameters when it has a key, else its text as it is."""
    return Encoded({"text": {"key": key, "params": params}}) if key else text


def encode(value: Any) -> JsonValue:
    """One parameter as JSON; `decode` reads it back in the reader's language."""
    if isinstance(value, str | int):
        return value
    if isinstance(value, Encoded):
        return value.json
    for kind, tag, to_json in ENCODERS:
        if isinstance(value, kind):
            return {tag: to_json(value)}
    raise TypeError(f"a stored text's parameter cannot be {type(value).__name__}")


def encode_params(params: dict[str, Any]) -> dict[str, JsonValue]:
    return {name: encode(value) for name, value in params.items()}


def _name_in_language(names: dict[str, str]) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return names.get(language) or names.get("pl") or ""


def _volume(value: str) -> str:
    number = Decimal(value)
    places = max(0, -int(number.normalize().as_tuple().exponent))
    return number_format(number, decimal_pos=places, use_l10n=True)


def _moment(value: str) -> str:
    return date_format(timezone.localtime(datetime.fromisoformat(value)), "j E Y, H:i")


# tag -> how its value reads in the active language
DECODERS: dict[str, Callable[[Any], str]] = {
    "month": lambda inner: f"{date.fromisoformat(inner):%m/%Y}",
    "month_name": lambda inner: month_label(date.fromisoformat(inner)),
    "names": _name_in_language,
    "text": lambda inner: render(inner["key"], inner.get("params") or {}),
    "amount": lambda inner: format_amount(Decimal(inner)),
    "day": lambda inner: format_day(date.fromisoformat(inner)),
    "long_day": lambda inner: date_format(date.fromisoformat(inner), "j E Y"),
    "moment": _moment,
    "volume": _volume,
}


def decode(value: JsonValue) -> str:
    """A stored parameter as the reader reads it, in the active language."""
    if not isinstance(value, dict):
        return str(value)
    (tag, inner), *_rest = value.items()
    if tag not in DECODERS:
        raise ValueError(f"unknown parameter tag {tag!r}")
    return str(DECODERS[tag](inner))


def lazy_key(label: Any) -> str:
    """The key of a lazy translation (a choice's label: `Status.NEW.label`), context and all,
    so that a stored text can name it as a parameter: StoredText(lazy_key(label))."""
    return CONTEXT_SEPARATOR.join(label._args)


def _translated(key: str) -> str:
    text = gettext(key)
    # pgettext's way: a key with a context comes back whole when it has no translation.
    return text.split(CONTEXT_SEPARATOR, 1)[1] if CONTEXT_SEPARATOR in text else text


def render(key: str, params: dict[str, JsonValue], fallback: str = "") -> str:
    """The key's text in the active language with its parameters; `fallback` (the stored
    text) when there is no key or the stored parameters do not fit the translation."""
    if not key:
        return fallback
    try:
        text = _translated(key)
        return text % {name: decode(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        return fallback or key

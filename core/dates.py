"""Calendar months: the first day of a month stands for the month."""

import calendar
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext, pgettext_lazy


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_back(day: date, n: int) -> date:
    """The first day of the month `n` months before `day`'s (after it for a negative `n`)."""
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def next_month(day: date) -> date:
    return months_back(day, -1)


def previous_month(day: date) -> date:
    return months_back(day, 1)


# The nominative month name in running text ("naliczenia za grudzień 2026"); Django's "F" is
# capitalised in Polish, and "E" is the genitive ("5 grudnia").
MONTH_NAMES = (
    pgettext_lazy("month, nominative, in running text", "January"),
    pgettext_lazy("month, nominative, in running text", "February"),
    pgettext_lazy("month, nominative, in running text", "March"),
    pgettext_lazy("month, nominative, in running text", "April"),
    pgettext_lazy("month, nominative, in running text", "May"),
    pgettext_lazy("month, nominative, in running text", "June"),
    pgettext_lazy("month, nominative, in running text", "July"),
    pgettext_lazy("month, nominative, in running text", "August"),
    pgettext_lazy("month, nominative, in running text", "September"),
    pgettext_lazy("month, nominative, in running text", "October"),
    pgettext_lazy("month, nominative, in running text", "November"),
    pgettext_lazy("month, nominative, in running text", "December"),
)


def month_label(day: date) -> str:
    """ "grudzień 2026" in Polish, "December 2026" in English."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def days_text(days: int) -> str:
    """A duration in whole days with the language's plural form: 1 dzień, 2 dni, 5 dni."""
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def days_until(moment: datetime | date, now: datetime | date | None = None) -> int:
    """Whole days from today to the day of `moment` (dates in Europe/Warsaw), never below 0."""
    return max(0, (_local_day(moment) - _local_day(now or timezone.now())).days)


def days_since(moment: datetime | date, now: datetime | date | None = None) -> int:
    return max(0, (_local_day(now or timezone.now()) - _local_day(moment)).days)


def _local_day(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def moment_text(value: datetime) -> str:
    """A moment as residents and clerks read it, in Europe/Warsaw: "5 grudnia 2026, 17:45"."""
    return date_format(timezone.localtime(value), "j E Y, H:i")


def day_from(text: str, fmt: str) -> date:
    """A calendar date written as `fmt` ("%d.%m.%Y"): a day has no time, so no time zone."""
    return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - only the date is kept

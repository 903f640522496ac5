"""Deadlines by art. 115 k.c.: a deadline that falls on a Saturday, a Sunday or a public holiday
ends on the next working day. Polish public holidays are those of the ustawa o dniach wolnych od
pracy (Easter-based ones and 24 December from 2025 included), as the `holidays` package keeps
them."""

from datetime import date, timedelta
from functools import lru_cache

import holidays

_POLAND = holidays.country_holidays("PL")
SATURDAY = 5


def is_working_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in _POLAND


@lru_cache(maxsize=4096)
def deadline(due_date: date) -> date:
    """The day a payment due on `due_date` may still be made without delay."""
    day = due_date
    while not is_working_day(day):
        day += timedelta(days=1)
    return day

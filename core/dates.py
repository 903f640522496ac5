"""Calendar months: the first day of a month stands for the month."""

import calendar
from datetime import date


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

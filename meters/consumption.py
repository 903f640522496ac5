"""Consumption from a meter's readings: between readings, per calendar month, the usual daily
use, and a possible leak. Pure functions over (date, value) pairs, oldest first."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.dates import month_start, next_month

ZERO = Decimal(0)
LITRE = Decimal("0.001")


def average_daily_use(points) -> Decimal | None:
    """m³ a day between the first and the last point; None without a day between them."""
    if len(points) < 2:
        return None
    (first_day, first), (last_day, last) = points[0], points[-1]
    days = (last_day - first_day).days
    return (last - first) / days if days > 0 else None


def monthly_consumption(points) -> list[tuple[date, Decimal]]:
    """[(first day of the month, m³)] for every month wholly inside the readings' span; use
    between two readings is spread evenly over the days between them."""
    if len(points) < 2:
        return []
    per_month: dict[date, Decimal] = {}
    for (day_a, value_a), (day_b, value_b) in zip(points, points[1:], strict=False):
        days = (day_b - day_a).days
        if days <= 0:
            continue
        daily = (value_b - value_a) / days
        cursor = day_a
        while cursor < day_b:
            segment_end = min(next_month(cursor), day_b)
            month = month_start(cursor)
            per_month[month] = per_month.get(month, ZERO) + daily * (segment_end - cursor).days
            cursor = segment_end
    first_full = points[0][0] if points[0][0].day == 1 else next_month(points[0][0])
    last_day = points[-1][0]  # use is known up to the day before the last reading
    return [
        (month, amount.quantize(LITRE))
        for month, amount in sorted(per_month.items())
        if month >= first_full and next_month(month) <= last_day
    ]


@dataclass(frozen=True)
class Leak:
    months: list  # [(month, m³)] of the high months
    usual: Decimal  # average monthly use of the year before


def possible_leak(monthly, *, months=3, factor=2, baseline_months=12, min_baseline=6):
    """A steady high use: each of the last `months` months above `factor` × the average month
    of the year before them. None when there is no such sign or too little history."""
    if len(monthly) < months + min_baseline:
        return None
    recent = monthly[-months:]
    baseline = [amount for _month, amount in monthly[-months - baseline_months : -months]]
    usual = sum(baseline, ZERO) / len(baseline)
    if usual <= 0 or any(amount <= factor * usual for _month, amount in recent):
        return None
    return Leak(months=recent, usual=usual.quantize(LITRE))


@dataclass(frozen=True)
class Row:
    """One reading in the history, with the use since the previous counted reading."""

    reading: object
    consumption: Decimal | None
    days: int | None

    @property
    def daily(self):
        if self.consumption is None or not self.days:
            return None
        return (self.consumption / self.days).quantize(LITRE)


def history_rows(readings):
    """Rows newest first; a corrected or withdrawn reading is shown but does not count."""
    rows = []
    previous = None
    for reading in readings:  # oldest first
        counts = reading.status not in ("corrected", "withdrawn")
        if counts and previous is not None:
            rows.append(
                Row(
                    reading,
                    reading.value - previous.value,
                    (reading.read_on - previous.read_on).days,
                )
            )
        else:
            rows.append(Row(reading, None, None))
        if counts:
            previous = reading
    return rows[::-1]


def year_before(day: date) -> date:
    return day - timedelta(days=365)

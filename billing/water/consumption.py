"""How much water a premises used in a settlement period, from its meters' readings.

Pure functions over plain values (no database), so every rule can be checked by hand:

- A period runs from `start` to `end`, both included. A meter's value "at the end of a day" is
  its reading on that day; without one, it is interpolated linearly by days between the
  readings around the day; with no later reading, it is *estimated* from the meter's average
  daily use over the year before its last reading (marked as an estimate: the next settlement,
  with a real reading, makes up the difference by itself, since it starts from the value this
  one ended on).
- The period's start value is the value at the end of the day before `start`.
- A meter installed during the period starts from its first reading (the value at
  installation), a meter removed during it ends with its reading on the removal day: a
  replaced meter contributes old-final − old-start, the new one new-end − new-initial.
- Cold and hot water meters both count for water and for sewage.
- The use is spread evenly over the period's days and priced at the tariff in force on each day
  (a tariff change mid-period splits it by days). m³ per tariff part are rounded to the litre,
  the last part taking the remainder, so the parts add up to the measured use exactly; each
  part's amount is rounded to the grosz.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.money import money

LITRE = Decimal("0.001")
ZERO = Decimal(0)


class Source:
    READING = "reading"
    INTERPOLATED = "interpolated"
    ESTIMATED = "estimated"
    INSTALLED = "installed"
    PREVIOUS = "previous"  # where the previous settlement ended (a real or estimated value)


def litres(value: Decimal) -> Decimal:
    return value.quantize(LITRE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MeterInput:
    meter_id: int
    serial: str
    kind: str  # "cold" or "hot"
    installed_on: date
    removed_on: date | None
    legalisation_expires_on: date
    points: list  # [(date, Decimal)] of counted readings, oldest first


@dataclass(frozen=True)
class MeterUse:
    meter_id: int
    serial: str
    kind: str
    start_day: date
    start_value: Decimal
    start_source: str
    end_day: date
    end_value: Decimal
    end_source: str
    used: Decimal
    unlegalised: bool

    @property
    def estimated(self):
        return Source.ESTIMATED in (self.start_source, self.end_source)


def daily_use(points, until: date) -> Decimal:
    """m³ a day over the year up to the last reading on or before `until` (0 without two)."""
    known = [(d, v) for d, v in points if d <= until]
    if len(known) < 2:
        return ZERO
    last_day, last = known[-1]
    year_ago = last_day - timedelta(days=365)
    window = [(d, v) for d, v in known if d >= year_ago]
    if len(window) < 2:
        window = known[-2:]
    (first_day, first) = window[0]
    days = (last_day - first_day).days
    return (last - first) / days if days > 0 else ZERO


def initial_value(meter: MeterInput) -> Decimal:
    """The value at installation: a reading on (or before) that day, else a new meter's 0."""
    points = meter.points
    return points[0][1] if points and points[0][0] <= meter.installed_on else ZERO


def value_at(meter: MeterInput, day: date) -> tuple[Decimal, str]:
    """The meter's value at the end of `day`, and how it was found."""
    if day <= meter.installed_on:
        return initial_value(meter), Source.INSTALLED
    before = [(d, v) for d, v in meter.points if d <= day]
    after = [(d, v) for d, v in meter.points if d > day]
    if before and before[-1][0] == day:
        return before[-1][1], Source.READING
    day_a, value_a = before[-1] if before else (meter.installed_on, initial_value(meter))
    if after:
        day_b, value_b = after[0]
        share = Decimal((day - day_a).days) / Decimal((day_b - day_a).days)
        return litres(value_a + (value_b - value_a) * share), Source.INTERPOLATED
    return litres(value_a + daily_use(meter.points, day) * (day - day_a).days), Source.ESTIMATED


def meter_use(meter: MeterInput, start: date, end: date, carried=None) -> MeterUse | None:
    """The meter's use within the period, or None when it was not installed during it.
    `carried`: (value, source) where the previous settlement of this meter ended."""
    if meter.installed_on > end or (meter.removed_on and meter.removed_on < start):
        return None
    if meter.installed_on >= start:
        start_day = meter.installed_on
        start_value, start_source = value_at(meter, meter.installed_on)
    else:
        start_day = start - timedelta(days=1)
        start_value, start_source = carried or value_at(meter, start_day)
    end_day = min(end, meter.removed_on) if meter.removed_on else end
    end_value, end_source = value_at(meter, end_day)
    used = max(end_value - start_value, ZERO)
    return MeterUse(
        meter_id=meter.meter_id,
        serial=meter.serial,
        kind=meter.kind,
        start_day=start_day,
        start_value=start_value,
        start_source=start_source,
        end_day=end_day,
        end_value=end_value,
        end_source=end_source,
        used=used,
        unlegalised=end_day > meter.legalisation_expires_on,
    )


@dataclass(frozen=True)
class Tariff:
    valid_from: date
    water: Decimal  # zł per m³, net
    sewage: Decimal


@dataclass(frozen=True)
class TariffPart:
    first_day: date
    last_day: date
    days: int
    m3: Decimal
    water: Decimal
    sewage: Decimal
    net: Decimal


@dataclass
class Pricing:
    parts: list = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((p.net for p in self.parts), ZERO)


def price(used: Decimal, start: date, end: date, tariffs) -> Pricing:
    """`used` m³ spread over the period's days, priced at the tariff of each day. `tariffs`
    sorted by valid_from; one must be in force on `start`."""
    in_force = [t for t in tariffs if t.valid_from <= start]
    if not in_force:
        raise ValueError(f"no water tariff in force on {start}")
    spans = [in_force[-1]] + [t for t in tariffs if start < t.valid_from <= end]
    total_days = (end - start).days + 1
    pricing = Pricing()
    given = ZERO
    for index, tariff in enumerate(spans):
        first = max(start, tariff.valid_from)
        last = spans[index + 1].valid_from - timedelta(days=1) if index + 1 < len(spans) else end
        days = (last - first).days + 1
        last_part = index + 1 == len(spans)
        m3 = used - given if last_part else litres(used * days / total_days)
        given += m3
        pricing.parts.append(
            TariffPart(
                first_day=first,
                last_day=last,
                days=days,
                m3=m3,
                water=tariff.water,
                sewage=tariff.sewage,
                net=money(m3 * (tariff.water + tariff.sewage)),
            )
        )
    return pricing


def vat_of(net: Decimal, rate: str) -> Decimal:
    """VAT on the settlement's net total at a rate code ("8", "23"; exempt codes give 0)."""
    return money(net * Decimal(rate) / 100) if rate.isdigit() else ZERO


def monthly_advance(daily: Decimal, tariff: Tariff, rate: str) -> tuple[Decimal, Decimal]:
    """(m³ a month, gross zł a month) for the next period: the settled daily use over an
    average month (365/12 days), priced at the tariff in force, VAT added, to the grosz."""
    m3 = litres(daily * Decimal(365) / Decimal(12))
    net = m3 * (tariff.water + tariff.sewage)
    return m3, money(net + (net * Decimal(rate) / 100 if rate.isdigit() else ZERO))

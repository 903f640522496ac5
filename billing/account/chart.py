"""Geometry of the balance chart: one bar per month-end balance, drawn as server-side SVG
(templates/billing/_balance_chart.html). Debts hang below the zero line, overpayments stand
above it, so the sign never depends on colour alone."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 720
HEIGHT = 260
LEFT = 96  # room for the amounts on the axis
RIGHT = 8
TOP = 12
BOTTOM = 36  # room for the month labels
ZERO = Decimal(0)


@dataclass(frozen=True)
class Bar:
    month: date
    balance: Decimal
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool

    @property
    def css_class(self):
        return "bar-debt" if self.balance < 0 else "bar-credit"

    @property
    def month_label(self):
        return f"{self.month:%m}/{self.month:%y}"


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class Chart:
    bars: list
    ticks: list
    zero_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    axis_label_x: int = LEFT - 6
    month_label_y: int = HEIGHT - BOTTOM + 20

    @property
    def lowest(self):
        return min(self.bars, key=lambda b: (b.balance, b.month))

    @property
    def highest(self):
        return max(self.bars, key=lambda b: (b.balance, b.month))

    @property
    def last(self):
        return self.bars[-1]


def balance_chart(points) -> Chart:
    """`points`: [(first day of the month, balance at its end)], oldest first."""
    values = [balance for _month, balance in points]
    top = max(values + [ZERO])
    bottom = min(values + [ZERO])
    flat = top == bottom
    if flat:
        top = bottom + 1  # an all-zero history still draws an axis
    plot_height = HEIGHT - TOP - BOTTOM
    span = top - bottom

    def y_of(value):
        return round(TOP + float((top - value) / span) * plot_height, 1)

    zero_y = y_of(ZERO)
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    bars = []
    for i, (month, balance) in enumerate(points):
        y = y_of(balance)
        x = LEFT + i * slot
        bars.append(
            Bar(
                month=month,
                balance=balance,
                x=round(x + slot * 0.15, 1),
                y=min(y, zero_y),
                width=round(slot * 0.7, 1),
                # a settled month still shows as a hairline on the axis
                height=max(abs(round(zero_y - y, 1)), 1.0),
                label_x=round(x + slot / 2, 1),
                show_label=(len(points) - 1 - i) % 3 == 0,
            )
        )
    values = [ZERO] if flat else sorted({top, ZERO, bottom}, reverse=True)
    ticks = [Tick(value=v, y=y_of(v)) for v in values]
    return Chart(bars=bars, ticks=ticks, zero_y=zero_y)

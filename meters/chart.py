"""Geometry of the monthly consumption chart, drawn as server-side SVG
(templates/meters/_consumption_chart.html) with the same figures in a table."""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 720
HEIGHT = 240
LEFT = 72
RIGHT = 8
TOP = 12
BOTTOM = 36


@dataclass(frozen=True)
class Bar:
    month: date
    amount: Decimal
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool
    high: bool

    @property
    def month_label(self):
        return f"{self.month:%m}/{self.month:%y}"


@dataclass(frozen=True)
class Chart:
    bars: list
    top: Decimal
    top_y: float
    base_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    axis_label_x: int = LEFT - 6
    month_label_y: int = HEIGHT - BOTTOM + 20

    @property
    def top_label(self):
        return f"{self.top:,.0f}".replace(",", "\u00a0") + "\u00a0m³"

    @property
    def first(self):
        return self.bars[0]

    @property
    def last(self):
        return self.bars[-1]

    @property
    def highest(self):
        return max(self.bars, key=lambda b: (b.amount, b.month))


def consumption_chart(monthly, high_months=()) -> Chart | None:
    """`monthly`: [(first day of the month, m³)], oldest first; `high_months` are marked."""
    if not monthly:
        return None
    # The axis ends at a whole number of m³, labelled with its unit ("3 m³", never "2,600").
    top = Decimal(max(math.ceil(max(amount for _m, amount in monthly)), 1))
    plot = HEIGHT - TOP - BOTTOM
    base_y = TOP + plot
    slot = (WIDTH - LEFT - RIGHT) / len(monthly)
    bars = []
    for i, (month, amount) in enumerate(monthly):
        height = max(round(float(amount / top) * plot, 1), 1.0)
        x = LEFT + i * slot
        bars.append(
            Bar(
                month=month,
                amount=amount,
                x=round(x + slot * 0.15, 1),
                y=round(base_y - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                label_x=round(x + slot / 2, 1),
                show_label=(len(monthly) - 1 - i) % 3 == 0,
                high=month in high_months,
            )
        )
    return Chart(bars=bars, top=top, top_y=TOP, base_y=base_y)

"""Geometry of a server-side SVG bar chart with one bar per month: the frame and its margins, a
linear scale from values to heights, the bars between the zero line and their values, ticks
and month labels. Plain numbers in, coordinates out (rounded to 0.1 px); each chart's template
draws the SVG and writes the values as money or m³."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

ZERO = Decimal(0)
LABEL_EVERY = 3  # a month label under every third bar, counted back from the last


@dataclass(frozen=True)
class Frame:
    """The picture's size and the margins around the plot: `left` holds the axis labels,
    `bottom` the month labels."""

    width: int
    height: int
    left: int
    right: int = 8
    top: int = 12
    bottom: int = 36

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def plot_bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def right_edge(self) -> int:
        return self.width - self.right

    @property
    def axis_label_x(self) -> int:
        return self.left - 6

    @property
    def month_label_y(self) -> int:
        return self.height - self.bottom + 20


@dataclass(frozen=True)
class Scale:
    """Values from `low` to `high` (low < high) onto the plot's height, `high` at its top."""

    frame: Frame
    low: Decimal
    high: Decimal

    def y(self, value: Decimal) -> float:
        span = self.high - self.low
        return round(self.frame.top + float((self.high - value) / span) * self.frame.plot_height, 1)


@dataclass(frozen=True)
class Tick:
    value: Decimal
    y: float


@dataclass(frozen=True)
class Bar:
    month: date
    value: Decimal
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool

    @property
    def month_label(self) -> str:
        return f"{self.month:%m}/{self.month:%y}"


B = TypeVar("B", bound=Bar)


def ticks(scale: Scale, values: Sequence[Decimal]) -> list[Tick]:
    return [Tick(value=value, y=scale.y(value)) for value in values]


def bars(
    scale: Scale, points: Sequence[tuple[date, Decimal]], make: Callable[..., B]
) -> list[B]:
    """One bar per (month, value), oldest first, from the zero line to its value: below the line
    for a value under zero, above it otherwise. A bar for zero, or one shorter than a pixel, is
    still a 1 px hairline at the line. `make` builds each bar from its geometry (a `Bar`
    subclass, or a function that adds what a chart needs)."""
    frame = scale.frame
    zero_y = scale.y(ZERO)
    slot = frame.plot_width / max(len(points), 1)
    made = []
    for i, (month, value) in enumerate(points):
        y = scale.y(value)
        x = frame.left + i * slot
        made.append(
            make(
                month=month,
                value=value,
                x=round(x + slot * 0.15, 1),
                y=min(y, zero_y),
                width=round(slot * 0.7, 1),
                height=max(abs(round(zero_y - y, 1)), 1.0),
                label_x=round(x + slot / 2, 1),
                show_label=(len(points) - 1 - i) % LABEL_EVERY == 0,
            )
        )
    return made


@dataclass(frozen=True)
class Chart(Generic[B]):
    """What a chart's template draws: the frame's measures, the bars, the ticks and the zero
    line."""

    frame: Frame
    bars: list[B]
    ticks: list[Tick]
    zero_y: float

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def left(self) -> int:
        return self.frame.left

    @property
    def right_edge(self) -> int:
        return self.frame.right_edge

    @property
    def axis_label_x(self) -> int:
        return self.frame.axis_label_x

    @property
    def month_label_y(self) -> int:
        return self.frame.month_label_y

    @property
    def first(self) -> B:
        return self.bars[0]

    @property
    def last(self) -> B:
        return self.bars[-1]

    @property
    def lowest(self) -> B:
        return min(self.bars, key=lambda b: (b.value, b.month))

    @property
    def highest(self) -> B:
        return max(self.bars, key=lambda b: (b.value, b.month))

"""The balance chart: one bar per month-end balance, drawn as server-side SVG
(templates/billing/_balance_chart.html) on the shared geometry (core/svg_chart.py). Debts hang
below the zero line, overpayments stand above it, so the sign never depends on colour alone."""

from dataclasses import dataclass

from core import svg_chart
from core.svg_chart import ZERO

FRAME = svg_chart.Frame(width=720, height=260, left=96)  # left: room for the amounts


@dataclass(frozen=True)
class Bar(svg_chart.Bar):
    @property
    def balance(self):
        return self.value

    @property
    def css_class(self):
        return "bar-debt" if self.value < 0 else "bar-credit"


def balance_chart(points) -> svg_chart.Chart[Bar]:
    """`points`: [(first day of the month, balance at its end)], oldest first."""
    values = [balance for _month, balance in points]
    top = max(values + [ZERO])
    bottom = min(values + [ZERO])
    flat = top == bottom
    if flat:
        top = bottom + 1  # an all-zero history still draws an axis
    scale = svg_chart.Scale(FRAME, low=bottom, high=top)
    ticks = [ZERO] if flat else sorted({top, ZERO, bottom}, reverse=True)
    return svg_chart.Chart(
        frame=FRAME,
        bars=svg_chart.bars(scale, points, make=Bar),
        ticks=svg_chart.ticks(scale, ticks),
        zero_y=scale.y(ZERO),
    )

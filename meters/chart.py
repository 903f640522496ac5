"""The monthly consumption chart, drawn as server-side SVG
(templates/meters/_consumption_chart.html) on the shared geometry (core/svg_chart.py), with the
same figures in a table."""

import math
from dataclasses import dataclass
from decimal import Decimal

from core import svg_chart
from core.svg_chart import ZERO

FRAME = svg_chart.Frame(width=720, height=240, left=72)


@dataclass(frozen=True)
class Bar(svg_chart.Bar):
    high: bool = False

    @property
    def amount(self):
        return self.value


@dataclass(frozen=True)
class Chart(svg_chart.Chart[Bar]):
    top: Decimal = ZERO

    @property
    def top_y(self):
        return self.frame.top

    @property
    def base_y(self):
        return self.frame.plot_bottom

    @property
    def top_label(self):
        return f"{self.top:,.0f}".replace(",", "\u00a0") + "\u00a0m³"


def consumption_chart(monthly, high_months=()) -> Chart | None:
    """`monthly`: [(first day of the month, m³)], oldest first; `high_months` are marked."""
    if not monthly:
        return None
    # The axis ends at a whole number of m³, labelled with its unit ("3 m³", never "2,600").
    top = Decimal(max(math.ceil(max(amount for _m, amount in monthly)), 1))
    scale = svg_chart.Scale(FRAME, low=ZERO, high=top)

    def bar(**geometry):
        return Bar(**geometry, high=geometry["month"] in high_months)

    return Chart(
        frame=FRAME,
        bars=svg_chart.bars(scale, monthly, make=bar),
        ticks=svg_chart.ticks(scale, [top, ZERO]),
        zero_y=scale.y(ZERO),
        top=top,
    )

"""A line chart drawn on the server as inline SVG (no script, no CDN): the points of a series
scaled into a fixed view box; the page prints the labels (first and last date, lowest and
highest value) as text beside it, so they stay readable at any width."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WIDTH = 600
HEIGHT = 200
PAD = 6


@dataclass(frozen=True, slots=True)
class LineChart:
    points: str  # the polyline's "x,y x,y ..."
    area: str  # the same line closed along the bottom (the shaded area)
    width: int
    height: int
    first_date: date
    last_date: date
    low: Decimal
    high: Decimal
    last: Decimal
    count: int


def line_chart(series: Sequence[tuple[date, Decimal]]) -> LineChart | None:
    """The chart of ``series`` (dates rising); None with fewer than two points."""
    series = [(d, Decimal(v)) for d, v in series if v is not None]
    if len(series) < 2:
        return None
    values = [v for _, v in series]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / (len(series) - 1)
    coords = []
    for index, (_, value) in enumerate(series):
        x = PAD + index * step
        y = PAD + float((high - value) / span) * (HEIGHT - 2 * PAD)
        coords.append(f"{x:.1f},{y:.1f}")
    line = " ".join(coords)
    bottom = HEIGHT - PAD
    area = f"{PAD:.1f},{bottom:.1f} {line} {WIDTH - PAD:.1f},{bottom:.1f}"
    return LineChart(
        points=line,
        area=area,
        width=WIDTH,
        height=HEIGHT,
        first_date=series[0][0],
        last_date=series[-1][0],
        low=low,
        high=high,
        last=values[-1],
        count=len(series),
    )

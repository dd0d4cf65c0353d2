"""Charts drawn on the server as SVG attributes (no script, no style attribute: the page's
Content-Security-Policy refuses both): bars, one row each, and lines over a few series. The
numbers a reader needs are printed as text beside them, so a chart never carries alone what
the page says."""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 600
HEIGHT = 200
PAD = 8
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: str  # as the page prints it
    length: float  # 0..100, of the longest bar
    negative: bool = False


def bars(rows: Sequence[tuple[str, float | int, str]]) -> list[Bar]:
    """``(label, value, printed value)`` rows as bars scaled to the largest magnitude; a
    negative value is drawn the same length, in the warning colour."""
    largest = max((abs(v) for _, v, _ in rows), default=0) or 1
    return [
        Bar(label=label, value=printed, length=round(abs(value) / largest * 100, 1),
            negative=value < 0)
        for label, value, printed in rows
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    colour: str
    points: str  # the polyline's "x,y x,y ..."
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    lines: tuple[Line, ...]
    x_labels: tuple[str, ...]
    low: float
    high: float


def lines(series: Sequence[tuple[str, Sequence[float | None]]], x_labels: Sequence[str], *,
          low: float | None = None, high: float | None = None) -> LineChart | None:  # fmt: skip
    """Series of values over the same ``x_labels`` (None: no point there), on one scale from
    ``low`` to ``high`` (by default the values' own). None when there is nothing to draw."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not values or not x_labels:
        return None
    low = min(values) if low is None else low
    high = max(values) if high is None else high
    span = (high - low) or 1.0
    count = len(x_labels)
    step = (WIDTH - 2 * PAD) / (count - 1) if count > 1 else 0
    drawn = []
    for index, (label, vs) in enumerate(series):
        dots = tuple(
            (round(PAD + i * step if count > 1 else WIDTH / 2, 1),
             round(PAD + (high - v) / span * (HEIGHT - 2 * PAD), 1))
            for i, v in enumerate(vs) if v is not None
        )  # fmt: skip
        if not dots:
            continue
        drawn.append(Line(label=label, colour=COLOURS[index % len(COLOURS)],
                          points=" ".join(f"{x},{y}" for x, y in dots), dots=dots))  # fmt: skip
    if not drawn:
        return None
    return LineChart(width=WIDTH, height=HEIGHT, lines=tuple(drawn), x_labels=tuple(x_labels),
                     low=low, high=high)  # fmt: skip

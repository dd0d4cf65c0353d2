"""Rebalancing: how far a customer's open-ended holdings have drifted from the suggested mix,
and the moves that bring them back. Pure: amounts in, suggestions out (nothing read here).

The holdings compared are the open-ended ones (money-market and NAV funds: fixed-term products
wait for their maturity). A holding's drift is its share of them less its share in the mix, in
percentage points; when any drift is beyond the threshold (``HUJIN_WEALTH_REBALANCE_THRESHOLD``,
5 points by default), each product gets a move: buy what brings it up to its share (only products
of the mix, which are all at or below the customer's level), redeem what takes it down to it (a
product outside the mix: all of it). Moves below ``MIN_MOVE_MINOR`` are left out.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_THRESHOLD = Decimal(5)  # percentage points
MIN_MOVE_MINOR = 100_00  # ¥100.00: smaller moves cost more attention than they are worth


@dataclass(frozen=True, slots=True)
class Move:
    key: str  # the product's id
    current_minor: int
    target_minor: int
    current_percent: Decimal
    target_percent: int
    drift_points: Decimal  # current − target, percentage points, one decimal

    @property
    def amount_minor(self) -> int:
        """Positive: buy this much; negative: redeem this much."""
        return self.target_minor - self.current_minor


@dataclass(frozen=True, slots=True)
class Rebalancing:
    total_minor: int
    largest_drift_points: Decimal
    needed: bool
    moves: tuple[Move, ...]  # the moves worth making (empty when not needed)
    lines: tuple[Move, ...]  # every product, held or in the mix, with its drift


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rebalancing(
    held: dict[str, int], mix: dict[str, int], *, threshold: Decimal = DEFAULT_THRESHOLD
) -> Rebalancing:
    """``held``: market value (fen) by product; ``mix``: whole-percent share by product (they
    add up to 100). Nothing held: nothing to rebalance."""
    total = sum(v for v in held.values() if v > 0)
    if total <= 0 or not mix:
        return Rebalancing(total, Decimal(0), False, (), ())
    lines = []
    for key in sorted(set(held) | set(mix)):
        current = max(held.get(key, 0), 0)
        share = mix.get(key, 0)
        target = int((Decimal(total) * share / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        now_percent = _percent(current, total)
        lines.append(Move(key, current, target, now_percent, share, now_percent - share))
    largest = max(abs(line.drift_points) for line in lines)
    needed = largest > threshold
    moves = tuple(m for m in lines if abs(m.amount_minor) >= MIN_MOVE_MINOR) if needed else ()
    lines.sort(key=lambda m: -abs(m.drift_points))
    return Rebalancing(total, largest, needed, tuple(sorted(moves, key=lambda m: m.amount_minor)),
                       tuple(lines))  # fmt: skip

"""A customer-day's behaviour as the anomaly model reads it (docs/modules/risk-anomaly.md).

One function, ``day_features``, turns the rows of one customer's business day — and the rows of
the 30 days before it, their own baseline — into the features the model reads and, for each, what
is usual for that customer. It is fed the same way whoever calls it: by the close of business
from the risk windows' entries (``per="customer"``) and by training and measurement from the
synthetic history. The ratios to the customer's own history are what keep a big customer from
looking unusual for being big.

The model reads each feature through ``model_vector`` (counts, amounts and ratios on a
logarithmic scale, a share as it is). ``unusual`` ranks the features of one day by how far they
stand above the training population's median, in robust spreads: the top ones are the reasons an
alert gives.
"""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hujin.core.dates import business_time_zone

MONEY_KINDS = frozenset({"topup", "transfer", "withdrawal"})
LOGIN_KINDS = frozenset({"login", "login_failed"})
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3, 4, 5})  # 22:00-05:59 in the business time zone
HISTORY_DAYS = 30
USUAL_WITHOUT_HISTORY = 100_000  # fen (¥1,000): the divisor of a customer with no history
USUAL_FLOOR = 10_000  # fen (¥100): a ratio is never taken against less

FEATURES = (
    "out_minor",  # money sent in the day (fen)
    "in_minor",  # money received in the day (fen)
    "movements",  # top-ups, transfers and withdrawals
    "counterparties",  # distinct counterparties of the day's movements
    "new_counterparties",  # of them, not seen in the 30 days before
    "night_share",  # share of the day's movements at night
    "hours",  # distinct hours the customer moved money in
    "logins",  # log-in attempts (successful or not)
    "amount_vs_median",  # the day's largest amount / the customer's 30-day median amount
    "out_vs_usual",  # sent / the customer's usual daily amount sent (30 days)
    "in_vs_usual",  # received / the customer's usual daily amount received (30 days)
)
# Features that say the same thing twice: an alert names only the most unusual of a group.
GROUPS = {"out_vs_usual": "out_minor", "in_vs_usual": "in_minor"}
# Ratios: the day's own amount over a divisor (the customer's usual, at least USUAL_FLOOR).
RATIOS = frozenset({"amount_vs_median", "out_vs_usual", "in_vs_usual"})
# Features whose usual comes from the customer's money movements of the 30 days.
FROM_MONEY = frozenset(FEATURES) - {"logins", "new_counterparties"}
LINEAR = frozenset({"night_share"})  # read as they are; the others on a log scale
SPREAD_FLOOR = 0.1  # a feature that hardly varies in training still has a spread


@dataclass(frozen=True, slots=True)
class Row:
    """One window entry of a customer: a movement or a log-in attempt. ``hour``: the local hour
    (0-23) in the business time zone."""

    kind: str
    direction: str
    amount: int
    counterparty: str
    hour: int
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class DayFeatures:
    """``values``: what the model reads. ``usual``: what the customer's own 30 days say is usual
    (None: no history yet to say it). For a ratio, ``day`` is the day's own amount and
    ``divisor`` the amount it was divided by (the usual, at least ``USUAL_FLOOR``;
    ``USUAL_WITHOUT_HISTORY`` with no history): the words and bars use those, never the ratio
    times the usual."""

    values: dict[str, float]
    usual: dict[str, float | None]
    day: dict[str, float]  # by ratio feature
    divisor: dict[str, float]  # by ratio feature


def local_date(at: datetime, zone: ZoneInfo | None = None) -> date:
    """The calendar date of ``at`` in the business time zone (Asia/Shanghai)."""
    return at.astimezone(zone or business_time_zone()).date()


def _active_days(rows: Iterable[Row], zone: ZoneInfo) -> int:
    return len({local_date(r.occurred_at, zone) for r in rows})


def day_features(day: Sequence[Row], history: Sequence[Row]) -> DayFeatures:
    """The features of one customer's day (``day``: its rows) against ``history``: the same
    customer's rows of the ``HISTORY_DAYS`` days before, told apart by their date in the
    business time zone."""
    zone = business_time_zone()
    money = [r for r in day if r.kind in MONEY_KINDS]
    past = [r for r in history if r.kind in MONEY_KINDS]
    out_minor = sum(r.amount for r in money if r.direction == "out")
    in_minor = sum(r.amount for r in money if r.direction == "in")
    parties = {r.counterparty for r in money if r.counterparty}
    seen = {r.counterparty for r in past if r.counterparty}
    active = _active_days(past, zone)
    if active:
        usual_out = sum(r.amount for r in past if r.direction == "out") / active
        usual_in = sum(r.amount for r in past if r.direction == "in") / active
        median = statistics.median(r.amount for r in past)
        per_day = _per_active_day(past, zone)
        divisor = {"amount_vs_median": max(median, USUAL_FLOOR),
                   "out_vs_usual": max(usual_out, USUAL_FLOOR),
                   "in_vs_usual": max(usual_in, USUAL_FLOOR)}  # fmt: skip
    else:
        usual_out = usual_in = median = 0.0
        per_day = {"movements": 0.0, "counterparties": 0.0, "hours": 0.0}
        divisor = dict.fromkeys(RATIOS, float(USUAL_WITHOUT_HISTORY))
    largest = max((r.amount for r in money), default=0)
    night = sum(1 for r in money if r.hour in NIGHT_HOURS)
    past_night = sum(1 for r in past if r.hour in NIGHT_HOURS)
    logins = sum(1 for r in day if r.kind in LOGIN_KINDS)
    past_logins = sum(1 for r in history if r.kind in LOGIN_KINDS)
    values = {
        "out_minor": float(out_minor),
        "in_minor": float(in_minor),
        "movements": float(len(money)),
        "counterparties": float(len(parties)),
        "new_counterparties": float(len(parties - seen)),
        "night_share": night / len(money) if money else 0.0,
        "hours": float(len({r.hour for r in money})),
        "logins": float(logins),
        "amount_vs_median": largest / divisor["amount_vs_median"],
        "out_vs_usual": out_minor / divisor["out_vs_usual"],
        "in_vs_usual": in_minor / divisor["in_vs_usual"],
    }
    usual = {
        "out_minor": float(usual_out),
        "in_minor": float(usual_in),
        "movements": per_day["movements"],
        "counterparties": per_day["counterparties"],
        "new_counterparties": 0.0,
        "night_share": past_night / len(past) if past else 0.0,
        "hours": per_day["hours"],
        "logins": past_logins / HISTORY_DAYS,
        "amount_vs_median": float(median),
        "out_vs_usual": float(usual_out),
        "in_vs_usual": float(usual_in),
    }
    known = {name: (bool(active) if name in FROM_MONEY else bool(history)) for name in FEATURES}
    return DayFeatures(
        values={k: round(v, 6) for k, v in values.items()},
        usual={k: round(v, 6) if known[k] else None for k, v in usual.items()},
        day={"amount_vs_median": float(largest), "out_vs_usual": float(out_minor),
             "in_vs_usual": float(in_minor)},
        divisor={k: round(float(v), 6) for k, v in divisor.items()},
    )  # fmt: skip


def _per_active_day(past: Sequence[Row], zone: ZoneInfo) -> dict[str, float]:
    days: dict = {}
    for r in past:
        days.setdefault(local_date(r.occurred_at, zone), []).append(r)
    n = len(days)
    return {
        "movements": len(past) / n,
        "counterparties": sum(len({r.counterparty for r in rs if r.counterparty})
                              for rs in days.values()) / n,
        "hours": sum(len({r.hour for r in rs}) for rs in days.values()) / n,
    }  # fmt: skip


def model_vector(values: dict[str, float], features: Sequence[str] = FEATURES) -> list[float]:
    """The features as the model reads them, in ``features``' order."""
    return [
        float(values[f]) if f in LINEAR else math.log1p(max(float(values[f]), 0.0))
        for f in features
    ]


def baseline_of(rows: Sequence[Sequence[float]], features: Sequence[str]) -> dict[str, dict]:
    """Per feature over the training rows (model vectors): the median and a robust spread (the
    median absolute deviation scaled to a standard deviation, at least ``SPREAD_FLOOR``)."""
    baseline = {}
    for i, name in enumerate(features):
        column = [row[i] for row in rows]
        median = statistics.median(column)
        mad = statistics.median(abs(x - median) for x in column) * 1.4826
        baseline[name] = {"median": round(median, 6), "spread": round(max(mad, SPREAD_FLOOR), 6)}
    return baseline


def unusual(vector: Sequence[float], baseline: dict[str, dict], features: Sequence[str],
            *, top: int = 3) -> list[tuple[str, float]]:  # fmt: skip
    """The ``top`` features standing furthest above the training median, in robust spreads
    (most unusual first), one per group; only features above it."""
    ranked = sorted(
        ((name, (x - baseline[name]["median"]) / baseline[name]["spread"])
         for name, x in zip(features, vector, strict=True)),
        key=lambda item: (-item[1], item[0]),
    )  # fmt: skip
    chosen: list[tuple[str, float]] = []
    groups: set[str] = set()
    for name, distance in ranked:
        group = GROUPS.get(name, name)
        if distance <= 0 or group in groups:
            continue
        groups.add(group)
        chosen.append((name, round(distance, 3)))
        if len(chosen) == top:
            break
    return chosen

"""The scorecard as data, and the scorer that reads it.

``artefact_build`` turns a fitted ``optbinning.Scorecard`` into a JSON-safe dict::

    {
      "format": 1,
      "scaling": {"pdo": 20, "odds": 50, "base_score": 600},
      "base_points": 415,                  # added to every score
      "unseen_category": "missing",        # the rule for a category not seen in training
      "characteristics": [
        {"name": "age", "kind": "numeric",
         "splits": [24.5, 26.5, ...],      # bin i holds splits[i-1] <= x < splits[i]
         "labels": ["(-inf, 24.50)", ..., "Missing"],
         "points": [0, 2, ..., 15],        # one per bin, the last for a missing value
         "woe": [...], "shares": [...]},   # shares: the training distribution over the bins
        {"name": "risk_level", "kind": "categorical",
         "categories": [["C1"], ["C2", "C3"], ...], "points": [...], ...},
      ],
      "score_bands": {"edges": [...], "shares": [...]},  # the training score in ~10 bands
    }

``score`` is pure Python (no numpy, pandas or optbinning): it runs once per application. A
missing value (absent, None or NaN) scores the characteristic's missing bin — the WoE of the
training rows that lacked it, or a neutral WoE when none did. A category never seen in training
scores the missing bin too, as optbinning's own ``Scorecard.score`` does: the model has no
evidence about it either way. A numeric value that is not a number counts as missing.
"""

import math
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from hujin.lending.scorecard.types import ScoreResult

FORMAT = 1
REASONS = 4
UNSEEN_AS_MISSING = "missing"


def _number(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def characteristic_bin(characteristic: Mapping[str, Any], value) -> int:
    """The index of the bin ``value`` falls in; the last index is the missing bin."""
    missing = len(characteristic["points"]) - 1
    if characteristic["kind"] == "numeric":
        number = _number(value)
        return missing if number is None else bisect_right(characteristic["splits"], number)
    if _is_missing(value):
        return missing
    text = str(value).strip()
    for index, categories in enumerate(characteristic["categories"]):
        if text in categories:
            return index
    return missing  # unseen category: UNSEEN_AS_MISSING


def characteristic_get(artefact: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    for characteristic in artefact["characteristics"]:
        if characteristic["name"] == name:
            return characteristic
    raise KeyError(name)


def score_band(artefact: Mapping[str, Any], score: int) -> int:
    """The index of the training score band ``score`` falls in."""
    return bisect_right(artefact["score_bands"]["edges"], score)


def score(artefact: Mapping[str, Any], features: Mapping[str, Any]) -> ScoreResult:
    """Score one applicant's ``features`` (characteristic name -> value; an absent name is a
    missing value) with a scorecard artefact."""
    points: dict[str, int] = {}
    bins: dict[str, int] = {}
    losses: list[tuple[int, int, str]] = []
    total = artefact["base_points"]
    for order, characteristic in enumerate(artefact["characteristics"]):
        name = characteristic["name"]
        index = characteristic_bin(characteristic, features.get(name))
        earned = characteristic["points"][index]
        points[name] = earned
        bins[name] = index
        total += earned
        lost = characteristic["best_points"] - earned
        if lost > 0:
            losses.append((-lost, order, name))
    losses.sort()
    return ScoreResult(
        score=total,
        points=points,
        reasons=tuple(name for _, _, name in losses[:REASONS]),
        bins=bins,
    )


def _plain(value):
    """A JSON-safe copy of a number from numpy."""
    number = float(value)
    return int(number) if number.is_integer() else number


def artefact_build(scorecard, *, scaling: dict, score_bands: dict) -> dict[str, Any]:
    """The artefact of a fitted ``optbinning.Scorecard`` built with ``rounding=True`` (integer
    points) and without special codes."""
    table = scorecard.table(style="detailed")
    process = scorecard.binning_process_
    characteristics = []
    for name in process.get_support(names=True):
        binned = process.get_binned_variable(name)
        rows = table[table["Variable"] == name]
        # the bins in order, then "Special" (unused: no special codes) and "Missing"
        rows = rows.iloc[[*range(len(rows) - 2), len(rows) - 1]]
        points = [round(float(p)) for p in rows["Points"]]
        counts = [float(c) for c in rows["Count"]]
        total = sum(counts) or 1.0
        labels = list(rows["Bin"])
        entry: dict[str, Any] = {"name": str(name)}
        if binned.dtype == "numerical":
            entry["kind"] = "numeric"
            entry["splits"] = [float(s) for s in binned.splits]
            bins = len(entry["splits"]) + 1
            entry["labels"] = [str(label) for label in labels]
        else:
            entry["kind"] = "categorical"
            entry["categories"] = [[str(c) for c in group] for group in labels[:-1]]
            bins = len(entry["categories"])
            entry["labels"] = [", ".join(group) for group in entry["categories"]] + ["Missing"]
        if len(points) != bins + 1:
            raise ValueError(f"unexpected binning table for {name}")
        entry["points"] = points
        entry["best_points"] = max(points)
        entry["woe"] = [round(float(w), 6) for w in rows["WoE"]]
        entry["shares"] = [c / total for c in counts]
        characteristics.append(entry)
    return {
        "format": FORMAT,
        "scaling": dict(scaling),
        "base_points": round(float(scorecard.intercept_)),
        "unseen_category": UNSEEN_AS_MISSING,
        "characteristics": characteristics,
        "score_bands": {
            "edges": [_plain(e) for e in score_bands["edges"]],
            "shares": [float(s) for s in score_bands["shares"]],
        },
    }

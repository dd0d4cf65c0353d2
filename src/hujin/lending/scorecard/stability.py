"""Population stability: how far this period's applicants have drifted from the population the
model was trained on, per characteristic (over its bins) and for the score (over ~10 bands).

    PSI = Σ (actual share − expected share) · ln(actual share / expected share)

Read: below 0.1 stable; 0.1–0.25 a shift worth watching; above 0.25 the population has moved
and the model's figures no longer hold for it — the model is flagged for review (recalibrate,
retrain or replace by a challenger). Pure Python, like the scorer."""

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hujin.lending.scorecard.artefact import characteristic_bin, characteristic_get, score_band
from hujin.lending.scorecard.artefact import score as score_features
from hujin.lending.scorecard.types import Stability

THRESHOLD = 0.25
EPSILON = 1e-4  # stands in for an empty bin's share, so the logarithm stays finite
SCORE = "score"


def psi(expected_shares: Sequence[float], actual_counts: Sequence[int]) -> float:
    """The PSI of observed ``actual_counts`` per bin against ``expected_shares`` (the same
    bins, in the same order). Raises ValueError on a length mismatch or no observation."""
    if len(expected_shares) != len(actual_counts):
        raise ValueError("expected and actual bins differ")
    total = sum(actual_counts)
    if total <= 0:
        raise ValueError("no observation")
    value = 0.0
    for expected, count in zip(expected_shares, actual_counts, strict=True):
        e = max(float(expected), EPSILON)
        a = max(count / total, EPSILON)
        value += (a - e) * math.log(a / e)
    return value


def bin_of(artefact: Mapping[str, Any], characteristic: str, value) -> int:
    """The bin of ``characteristic`` that ``value`` falls in (the scorer's own rule; the last
    index is the missing bin, where unseen categories go too)."""
    return characteristic_bin(characteristic_get(artefact, characteristic), value)


def baseline_of(artefact: Mapping[str, Any]) -> dict[str, list[float]]:
    """The training distributions the PSI compares against: ``{"score": [...], name: [...]}``."""
    baseline = {SCORE: list(artefact["score_bands"]["shares"])}
    for characteristic in artefact["characteristics"]:
        baseline[characteristic["name"]] = list(characteristic["shares"])
    return baseline


def population_stability(
    artefact: Mapping[str, Any], applications: Iterable[Mapping[str, Any]]
) -> Stability:
    """The PSI of a period's ``applications`` (feature dicts, as scored) for the score and each
    characteristic, and the names above THRESHOLD. No application: empty figures."""
    characteristics = artefact["characteristics"]
    counts = {c["name"]: [0] * len(c["points"]) for c in characteristics}
    bands = [0] * len(artefact["score_bands"]["shares"])
    seen = 0
    for features in applications:
        result = score_features(artefact, features)
        for name, index in result.bins.items():
            counts[name][index] += 1
        bands[score_band(artefact, result.score)] += 1
        seen += 1
    if not seen:
        return Stability(psi={}, flagged=(), applications=0)
    values = {SCORE: round(psi(artefact["score_bands"]["shares"], bands), 4)}
    for characteristic in characteristics:
        name = characteristic["name"]
        values[name] = round(psi(characteristic["shares"], counts[name]), 4)
    flagged = tuple(name for name, value in values.items() if value > THRESHOLD)
    return Stability(psi=values, flagged=flagged, applications=seen)

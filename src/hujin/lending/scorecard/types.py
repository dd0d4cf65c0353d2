"""What the scorecard and the model registry hand out: a score with its breakdown, a month's
stability, and the frozen view of a registered model."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """An application's score: ``base points + sum(points)``; ``points`` per characteristic
    (integers, rounded once when the model was built); ``reasons``: the characteristics that
    cost the most points against the best bin of each, worst first, at most four; ``bins``: the
    bin index each value fell in (the last index of a characteristic is its missing bin)."""

    score: int
    points: dict[str, int]
    reasons: tuple[str, ...]
    bins: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Stability:
    """The population stability index of one period's applications against the training
    distribution: ``psi`` has ``"score"`` and one entry per characteristic; ``flagged`` names
    those above the threshold (0.25)."""

    psi: dict[str, float]
    flagged: tuple[str, ...]
    applications: int


@dataclass(frozen=True, slots=True)
class ScoreModelView:
    """A registered scorecard version. ``metrics``: auc, ks, gini, cv_auc (hold-out figures)
    and logistic_auc (a plain logistic regression on the same split, for comparison)."""

    id: uuid.UUID
    version: int
    name: str
    role: str  # champion | challenger | retired
    metrics: dict[str, float]
    data_summary: dict[str, Any]
    characteristics: tuple[str, ...]
    trained_by: str
    trained_at: datetime
    promoted_at: datetime | None
    artefact: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    baseline: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

"""The credit scorecard: training (``train``, heavy: pandas, scikit-learn, optbinning), the
artefact and its pure-Python scorer (``artefact.score``), population stability
(``stability``), and the documented synthetic applicants (``generate``).

Importing this package or the scorer loads none of the heavy libraries."""

from hujin.lending.scorecard.artefact import score
from hujin.lending.scorecard.stability import bin_of, population_stability, psi
from hujin.lending.scorecard.types import ScoreModelView, ScoreResult, Stability

__all__ = [
    "ScoreModelView",
    "ScoreResult",
    "Stability",
    "bin_of",
    "population_stability",
    "psi",
    "score",
]

"""Population stability: the PSI of a period's applicants against the training distribution,
per characteristic and for the score; above 0.25 a name is flagged."""

import math

import numpy as np
import pytest

from hujin.lending.scorecard.artefact import score
from hujin.lending.scorecard.generate import FEATURES, applicants
from hujin.lending.scorecard.stability import THRESHOLD, bin_of, population_stability, psi
from hujin.lending.scorecard.train import train


class TestPsi:
    def test_identical_distributions_give_zero(self):
        assert psi([0.2, 0.3, 0.5], [20, 30, 50]) == pytest.approx(0.0, abs=1e-12)

    def test_a_small_wobble_stays_below_a_tenth(self):
        assert psi([0.2, 0.3, 0.5], [22, 29, 49]) < 0.1

    def test_a_shifted_distribution_is_above_the_threshold(self):
        assert psi([0.2, 0.3, 0.5], [50, 30, 20]) > THRESHOLD

    def test_matches_the_formula(self):
        expected = (0.6 - 0.5) * math.log(0.6 / 0.5) + (0.4 - 0.5) * math.log(0.4 / 0.5)

        assert psi([0.5, 0.5], [60, 40]) == pytest.approx(expected)

    def test_an_empty_bin_on_either_side_stays_finite(self):
        assert math.isfinite(psi([0.5, 0.5, 0.0], [50, 0, 50]))
        assert psi([0.5, 0.5, 0.0], [50, 0, 50]) > THRESHOLD

    def test_bins_must_match_and_something_must_be_observed(self):
        with pytest.raises(ValueError):
            psi([0.5, 0.5], [1, 2, 3])
        with pytest.raises(ValueError):
            psi([0.5, 0.5], [0, 0])


@pytest.fixture(scope="module")
def artefact():
    return train(applicants(3_000, seed=21), target="bad", bad_value=1, folds=3).artefact


def _rows(frame):
    return [
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        for row in frame[list(FEATURES)].to_dict("records")
    ]


class TestPopulationStability:
    def test_a_new_sample_of_the_same_population_is_stable(self, artefact):
        result = population_stability(artefact, _rows(applicants(3_000, seed=22)))

        assert result.applications == 3_000
        assert set(result.psi) == {"score", *(c["name"] for c in artefact["characteristics"])}
        assert max(result.psi.values()) < 0.1
        assert result.flagged == ()

    def test_a_population_with_higher_utilisation_is_flagged(self, artefact):
        frame = applicants(3_000, seed=23)
        frame["bureau_utilisation"] = np.minimum(frame["bureau_utilisation"] + 0.3, 1.0)

        result = population_stability(artefact, _rows(frame))

        assert result.psi["bureau_utilisation"] > THRESHOLD
        assert "bureau_utilisation" in result.flagged
        assert result.psi["age"] < 0.1

    def test_an_older_population_shifts_age_and_only_age(self, artefact):
        frame = applicants(3_000, seed=24)
        frame["age"] = frame["age"] + 15

        result = population_stability(artefact, _rows(frame))

        assert "age" in result.flagged
        assert "debt_to_income" not in result.flagged

    def test_no_application_gives_no_figure(self, artefact):
        result = population_stability(artefact, [])

        assert (result.psi, result.flagged, result.applications) == ({}, (), 0)

    def test_bin_of_is_the_bin_the_scorer_uses(self, artefact):
        for row in _rows(applicants(50, seed=25)):
            bins = score(artefact, row).bins
            for name, index in bins.items():
                assert bin_of(artefact, name, row.get(name)) == index

    def test_an_unknown_characteristic_is_an_error(self, artefact):
        with pytest.raises(KeyError):
            bin_of(artefact, "shoe_size", 42)

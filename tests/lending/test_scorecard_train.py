"""Training a scorecard: WoE binning, logistic regression, points; the hold-out and
cross-validated figures; the plain logistic regression beside it; bad training data refused."""

import numpy as np
import pandas as pd
import pytest

from hujin.lending.errors import ScorecardDataInvalid
from hujin.lending.scorecard.generate import FEATURES, applicants
from hujin.lending.scorecard.train import BASE_SCORE, prepare, train


@pytest.fixture(scope="module")
def trained():
    return train(applicants(3_000, seed=7), target="bad", bad_value=1)


class TestFigures:
    def test_a_scorecard_on_the_synthetic_applicants_separates_goods_from_bads(self, trained):
        metrics = trained.metrics

        assert metrics["auc"] > 0.7
        assert metrics["cv_auc"] > 0.7
        assert 0.3 < metrics["ks"] < 0.8
        assert metrics["gini"] == pytest.approx(2 * metrics["auc"] - 1, abs=2e-4)

    def test_a_plain_logistic_regression_is_measured_on_the_same_split(self, trained):
        assert 0.7 < trained.metrics["logistic_auc"] < 0.95

    def test_bads_score_lower_than_goods(self, trained):
        features, bad = trained.hold_out
        scores = trained.scorecard.score(features)

        assert scores[bad == 1].mean() < scores[bad == 0].mean() - 20

    def test_the_hold_out_is_thirty_percent_stratified(self, trained):
        _, bad = trained.hold_out

        assert len(bad) == 900
        assert bad.mean() == pytest.approx(trained.summary["bad_rate"], abs=0.005)

    def test_points_are_scaled_around_the_base_score(self, trained):
        features, _ = trained.hold_out
        median = float(np.median(trained.scorecard.score(features)))

        assert BASE_SCORE - 150 < median < BASE_SCORE + 50

    def test_the_kept_characteristics_are_recorded(self, trained):
        names = [c["name"] for c in trained.artefact["characteristics"]]

        assert list(trained.characteristics) == names
        assert trained.summary["characteristics"] == names
        assert trained.summary["candidates"] == list(FEATURES)
        assert {"bureau_utilisation", "debt_to_income"} <= set(names)

    def test_the_training_distribution_is_stored_for_the_psi(self, trained):
        for characteristic in trained.artefact["characteristics"]:
            assert len(characteristic["shares"]) == len(characteristic["points"])
            assert sum(characteristic["shares"]) == pytest.approx(1.0)
        bands = trained.artefact["score_bands"]
        assert 8 <= len(bands["shares"]) <= 10
        assert len(bands["edges"]) == len(bands["shares"]) - 1
        assert sum(bands["shares"]) == pytest.approx(1.0)


def test_training_is_deterministic_per_seed():
    frame = applicants(1_200, seed=3)

    first = train(frame, target="bad", bad_value=1, seed=5, folds=2)
    second = train(frame.copy(), target="bad", bad_value=1, seed=5, folds=2)

    assert first.artefact == second.artefact
    assert first.metrics == second.metrics


class TestPrepare:
    def test_numbers_stay_numbers_and_text_becomes_categories(self):
        frame = pd.DataFrame({"n": [1, 2, None, 4], "c": ["a", None, "b", "a"], "y": [0, 1, 0, 1]})

        X, y = prepare(frame.loc[frame.index.repeat(50)], target="y", bad_value=1)

        assert X["n"].dtype == float
        assert X["c"].dtype == object
        assert X["c"].isna().sum() == 50
        assert y.sum() == 100

    def test_blank_text_is_a_missing_category_as_the_scorer_reads_it(self):
        frame = pd.DataFrame({"c": [" a ", "  ", "b", None] * 50, "y": [0, 1] * 100})

        X, _ = prepare(frame, target="y", bad_value=1)

        assert X["c"].head(4).tolist()[0] == "a"
        assert X["c"].isna().sum() == 100

    def test_a_bad_value_given_as_text_matches_a_numeric_target(self):
        frame = applicants(200, seed=1)

        _, y = prepare(frame, target="bad", bad_value="1")

        assert y.sum() == frame["bad"].sum()

    def test_a_column_with_one_value_is_no_candidate(self):
        frame = applicants(200, seed=1).assign(country="CN")

        X, _ = prepare(frame, target="bad", bad_value=1)

        assert "country" not in X.columns

    def test_rows_without_a_target_are_left_out(self):
        frame = applicants(300, seed=1)
        frame.loc[:9, "bad"] = np.nan

        X, _ = prepare(frame, target="bad", bad_value=1)

        assert len(X) == 290


class TestBadData:
    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            (dict(target="defaulted"), "unknown_target"),
            (dict(bad_value=2), "bad_value_absent"),
            (dict(bad_value="yes"), "bad_value_absent"),
        ],
    )
    def test_is_refused_with_its_reason(self, change, reason):
        arguments = {"target": "bad", "bad_value": 1, **change}

        with pytest.raises(ScorecardDataInvalid) as caught:
            train(applicants(300, seed=1), **arguments)

        assert caught.value.details["reason"] == reason

    def test_a_target_with_one_class_is_refused(self):
        frame = applicants(300, seed=1).assign(bad=1)

        with pytest.raises(ScorecardDataInvalid) as caught:
            train(frame, target="bad", bad_value=1)

        assert caught.value.details["reason"] == "one_class"

    def test_too_few_rows_are_refused(self):
        with pytest.raises(ScorecardDataInvalid) as caught:
            train(applicants(50, seed=1), target="bad", bad_value=1)

        assert caught.value.details["reason"] == "too_few_rows"

    def test_columns_without_information_are_refused(self):
        rng = np.random.default_rng(0)
        frame = pd.DataFrame({"coin": rng.integers(0, 2, 2_000),
                              "side": rng.choice(["heads", "tails"], 2_000),
                              "bad": rng.integers(0, 2, 2_000)})  # fmt: skip

        with pytest.raises(ScorecardDataInvalid) as caught:
            train(frame, target="bad", bad_value=1)

        assert caught.value.details["reason"] == "no_information"

    def test_a_target_alone_is_refused(self):
        frame = applicants(300, seed=1)[["bad"]]

        with pytest.raises(ScorecardDataInvalid) as caught:
            train(frame, target="bad", bad_value=1)

        assert caught.value.details["reason"] == "no_characteristics"

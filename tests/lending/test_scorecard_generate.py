"""The synthetic applicants: the documented generating process, deterministic per seed."""

import numpy as np
import pandas as pd

from hujin.lending.scorecard.generate import (
    BUREAU_FEATURES,
    CATEGORICAL,
    FEATURES,
    TARGET,
    applicants,
)


def test_the_same_seed_draws_the_same_applicants():
    pd.testing.assert_frame_equal(applicants(500, seed=3), applicants(500, seed=3))


def test_another_seed_draws_other_applicants():
    assert not applicants(500, seed=3).equals(applicants(500, seed=4))


def test_the_columns_are_the_features_and_the_target():
    frame = applicants(100, seed=1)

    assert list(frame.columns) == [*FEATURES, TARGET]
    assert set(frame[TARGET]) <= {0, 1}
    assert set(CATEGORICAL) <= set(FEATURES)


def test_the_bad_rate_is_near_ten_percent():
    for seed in (1, 2, 3):
        assert 0.08 <= applicants(20_000, seed=seed)[TARGET].mean() <= 0.12


def test_risk_levels_are_c1_to_c5():
    assert set(applicants(2_000, seed=1)["risk_level"]) == {"C1", "C2", "C3", "C4", "C5"}


def test_a_thin_file_lacks_every_bureau_field():
    frame = applicants(20_000, seed=5)
    thin = frame["bureau_inquiries_6m"].isna()

    assert 0.04 <= thin.mean() <= 0.06
    assert frame.loc[thin, list(BUREAU_FEATURES)].isna().all().all()


def test_utilisation_is_missing_without_an_open_account():
    frame = applicants(5_000, seed=5)
    no_account = frame["bureau_open_accounts"] == 0

    assert no_account.any()
    assert frame.loc[no_account, "bureau_utilisation"].isna().all()
    assert frame["bureau_utilisation"].dropna().between(0, 1).all()


def test_the_worst_delay_is_missing_exactly_for_applicants_without_a_past_loan():
    frame = applicants(5_000, seed=6)

    assert (frame["past_max_dpd"].isna() == (frame["past_loans"] == 0)).all()


def test_an_undeclared_income_leaves_the_debt_ratio_missing_too():
    frame = applicants(5_000, seed=6)
    undeclared = frame["monthly_income"].isna()

    assert 0.01 <= undeclared.mean() <= 0.03
    assert (frame["debt_to_income"].isna() == undeclared).all()


def test_bads_have_more_bureau_delinquencies_than_goods():
    frame = applicants(20_000, seed=8)
    by_target = frame.groupby(TARGET)["bureau_delinquencies_24m"].mean()

    assert by_target[1] > 2 * by_target[0]


def test_counts_are_whole_numbers():
    frame = applicants(1_000, seed=9)
    for column in ("age", "kyc_age_days", "payments_failed_90d", "past_loans"):
        values = frame[column].to_numpy()
        assert np.array_equal(values, np.round(values))

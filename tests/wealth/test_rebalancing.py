"""Rebalancing, worked through: a mix of 60 % money-market fund and 40 % bond fund, and
holdings of ¥7,000 and ¥3,000 (70 % / 30 %): both drift by 10 points, beyond the 5-point
threshold, so the suggestion is to redeem ¥1,000 of the money-market fund and buy ¥1,000 of
the bond fund. A holding outside the mix is all to redeem; a drift within the threshold asks
for nothing."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hujin.wealth.rebalancing import MIN_MOVE_MINOR, rebalancing


def test_a_drift_beyond_the_threshold_suggests_the_moves_back_to_the_mix():
    result = rebalancing({"mmf": 7_000_00, "bond": 3_000_00}, {"mmf": 60, "bond": 40})

    assert result.needed and result.largest_drift_points == Decimal(10)
    assert [(m.key, m.amount_minor) for m in result.moves] == [
        ("mmf", -1_000_00), ("bond", 1_000_00),
    ]  # fmt: skip


def test_a_drift_within_the_threshold_asks_for_nothing():
    result = rebalancing({"mmf": 6_300_00, "bond": 3_700_00}, {"mmf": 60, "bond": 40})

    assert not result.needed and result.moves == ()
    assert result.largest_drift_points == Decimal(3)


def test_a_holding_outside_the_mix_is_all_to_redeem_and_the_mix_is_bought():
    result = rebalancing({"equity": 5_000_00}, {"mmf": 50, "bond": 50})

    assert {m.key: m.amount_minor for m in result.moves} == {
        "equity": -5_000_00, "mmf": 2_500_00, "bond": 2_500_00,
    }  # fmt: skip


def test_nothing_held_is_nothing_to_rebalance():
    assert not rebalancing({}, {"mmf": 100}).needed


@given(
    held=st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 10**10), max_size=6),
    cut=st.integers(0, 100),
)
def test_the_moves_keep_the_total_and_end_at_the_mix(held, cut):
    mix = {"a": cut, "b": 100 - cut} if cut not in (0, 100) else {"a": 100}
    result = rebalancing(held, mix, threshold=Decimal(0))
    if result.total_minor == 0:
        return
    # Every line's move ends at its share of the total, to the fen, and the moves together keep
    # the total (to a fen of rounding per line).
    targets = {m.key: m.current_minor + m.amount_minor for m in result.lines}
    assert all(abs(targets[k] * 100 - result.total_minor * mix.get(k, 0)) <= 50 for k in targets)
    assert abs(sum(targets.values()) - result.total_minor) <= len(targets)
    assert all(abs(m.amount_minor) >= MIN_MOVE_MINOR for m in result.moves)


def test_a_threshold_that_is_not_percentage_points_is_a_configuration_error(settings):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from hujin.wealth.holdings import rebalance_threshold

    settings.HUJIN_WEALTH_REBALANCE_THRESHOLD = "7.5"
    assert rebalance_threshold() == Decimal("7.5")
    for bad in ("abc", "-1", "101", "NaN"):
        settings.HUJIN_WEALTH_REBALANCE_THRESHOLD = bad
        with pytest.raises(ImproperlyConfigured):
            rebalance_threshold()

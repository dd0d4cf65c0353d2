"""Robo-advice: the suggested mix is long only, adds up to 100 %, never puts more than the cap
in one product, stays within the level's risk budget, leans to the steady product for a
conservative customer and to the growing one for an aggressive customer, and comes out the
same every time."""

import math
from datetime import date, timedelta

import pytest

from hujin.wealth.advice import (
    MAX_WEIGHT,
    MIN_DAYS,
    TARGET_VOLATILITY,
    History,
    suggested_mix,
    whole_percents,
)

START = date(2025, 1, 1)


def cash(days=120, daily=0.00006):
    """A money-market fund: a small, steady daily income."""
    return History("cash", {START + timedelta(d): daily for d in range(days)}, returns=True)


def fund(key, days=120, drift=0.0004, swing=0.01, period=7.0):
    """A NAV fund whose cumulative NAV grows by ``drift`` a day and swings by ``swing`` in
    waves of ``period`` days (deterministic; other periods move differently)."""
    nav, values = 1.0, {}
    for d in range(days):
        nav *= 1 + drift + swing * math.sin(d * 2 * math.pi / period)
        values[START + timedelta(d)] = nav
    return History(key, values, returns=False)


CATALOGUE = [cash(), fund("bond", drift=0.00012, swing=0.001, period=5.3),
             fund("equity", drift=0.0006, swing=0.012, period=9.1)]  # fmt: skip


class TestWholePercents:
    @pytest.mark.parametrize(
        "weights, percents",
        [
            ((1 / 3, 1 / 3, 1 / 3), (34, 33, 33)),
            ((0.5, 0.5), (50, 50)),
            ((0.125, 0.875), (13, 87)),
            ((0.996, 0.004), (100, 0)),
        ],
    )
    def test_they_add_up_to_a_hundred(self, weights, percents):
        assert whole_percents(weights) == percents


class TestTheMix:
    @pytest.mark.parametrize("level", ["C1", "C2", "C3", "C4", "C5"])
    def test_it_is_long_only_whole_and_capped(self, level):
        mix = suggested_mix(CATALOGUE, level)

        assert sum(mix.percents) == 100
        assert all(0 <= p <= MAX_WEIGHT * 100 for p in mix.percents)
        assert mix.volatility >= 0 and math.isfinite(mix.expected_return)

    @pytest.mark.parametrize("level", ["C1", "C2", "C3", "C4", "C5"])
    def test_it_stays_within_the_levels_risk_budget(self, level):
        # Whole percentages may move the volatility by a few hundredths of a point.
        assert suggested_mix(CATALOGUE, level).volatility <= TARGET_VOLATILITY[level] + 0.001

    def test_when_nothing_is_calm_enough_it_is_the_calmest_mix(self):
        wild = [fund("a", swing=0.02, period=6.0), fund("b", swing=0.02, period=11.0)]

        mix = suggested_mix(wild, "C1")
        alone = [suggested_mix([h], "C1").volatility for h in wild]

        assert mix.volatility > TARGET_VOLATILITY["C1"]
        assert mix.volatility < min(alone)

    def test_a_conservative_mix_holds_more_cash_and_less_equity_than_an_aggressive_one(self):
        cautious = dict(zip(CATALOGUE_KEYS, suggested_mix(CATALOGUE, "C1").percents, strict=True))
        bold = dict(zip(CATALOGUE_KEYS, suggested_mix(CATALOGUE, "C5").percents, strict=True))

        assert cautious["cash"] > bold["cash"]
        assert cautious["equity"] < bold["equity"]

    def test_more_risk_tolerance_means_more_expected_return_and_more_volatility(self):
        mixes = [suggested_mix(CATALOGUE, level) for level in ("C1", "C3", "C5")]

        assert [m.expected_return for m in mixes] == sorted(m.expected_return for m in mixes)
        assert [m.volatility for m in mixes] == sorted(m.volatility for m in mixes)

    def test_it_is_the_same_every_time(self):
        assert suggested_mix(CATALOGUE, "C3") == suggested_mix(CATALOGUE, "C3")

    def test_one_product_takes_it_all(self):
        assert suggested_mix([cash()], "C3").percents == (100,)

    def test_too_short_a_history_gives_no_mix(self):
        assert suggested_mix([cash(days=MIN_DAYS - 1)], "C3") is None
        assert suggested_mix([], "C3") is None

    def test_only_the_dates_every_product_published_count(self):
        late = fund("late", days=60)
        late = History("late", {d + timedelta(60): v for d, v in late.values.items()}, False)

        mix = suggested_mix([cash(), late], "C3")

        assert mix.days == 59  # 60 common dates, 59 returns between them


CATALOGUE_KEYS = [h.key for h in CATALOGUE]

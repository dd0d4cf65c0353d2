"""Worked examples of the fees and the 7-day yield: Decimal, one rounding (half up, to the fen)."""

from decimal import Decimal

import pytest

from hujin.products.errors import ScheduleInvalid, ShortHoldingFeeTooLow
from hujin.products.fees import (
    redemption_fee,
    redemption_tiers_parse,
    subscription_fee,
    subscription_tiers_parse,
    yield_7d,
)
from hujin.products.types import RedemptionTier, SubscriptionTier

TIERS = (
    SubscriptionTier(0, rate=Decimal("0.015")),
    SubscriptionTier(100_000_000, rate=Decimal("0.012")),
    SubscriptionTier(500_000_000, fixed_minor=100_000),
)
REDEMPTION = (
    RedemptionTier(0, Decimal("0.015")),
    RedemptionTier(7, Decimal("0.005")),
    RedemptionTier(365, Decimal("0")),
)


class TestSubscriptionFee:
    def test_100000_yuan_at_1_5_percent_pays_1477_83_and_buys_with_98522_17(self):
        # net = 100,000.00 / 1.015 = 98,522.167... -> 98,522.17; fee = 1,477.83
        quote = subscription_fee(TIERS, 10_000_000)

        assert (quote.fee_minor, quote.net_minor) == (147_783, 9_852_217)
        assert quote.rate == Decimal("0.015")
        assert quote.fee_minor + quote.net_minor == quote.amount_minor

    def test_the_tier_is_the_one_the_amount_reaches(self):
        # 1,000,000.00 reaches the 1.2 % tier: net = 1,000,000 / 1.012 = 988,142.29
        assert subscription_fee(TIERS, 100_000_000).net_minor == 98_814_229

    def test_the_top_tier_is_a_fixed_fee_per_order(self):
        quote = subscription_fee(TIERS, 600_000_000)
        assert (quote.fee_minor, quote.net_minor, quote.fixed) == (100_000, 599_900_000, True)

    def test_no_schedule_means_no_fee(self):
        assert subscription_fee((), 12_345).fee_minor == 0

    def test_a_schedule_must_start_at_zero_and_rise(self):
        with pytest.raises(ScheduleInvalid):
            subscription_tiers_parse([[100, "0.01", None]])
        with pytest.raises(ScheduleInvalid):
            subscription_tiers_parse([[0, "0.01", None], [0, "0.02", None]])
        with pytest.raises(ScheduleInvalid):
            subscription_tiers_parse([[0, None, 100], [10, "0.01", None]])  # fixed only on top


class TestRedemptionFee:
    def test_units_held_5_days_pay_1_5_percent(self):
        # 10,000 units × NAV 1.2345 = 12,345.00; fee 1.5 % = 185.175 -> 185.18
        quote = redemption_fee(
            REDEMPTION, units=Decimal("10000"), nav=Decimal("1.2345"), days_held=5
        )

        assert quote.gross_minor == 1_234_500
        assert quote.rate == Decimal("0.015")
        assert (quote.fee_minor, quote.net_minor) == (18_518, 1_215_982)

    def test_from_7_days_the_next_tier_applies(self):
        quote = redemption_fee(
            REDEMPTION, units=Decimal("10000"), nav=Decimal("1.2345"), days_held=7
        )
        assert quote.rate == Decimal("0.005") and quote.fee_minor == 6_173  # 61.725 -> 61.73

    def test_a_year_held_is_free(self):
        assert (
            redemption_fee(
                REDEMPTION, units=Decimal("1"), nav=Decimal("1"), days_held=400
            ).fee_minor
            == 0
        )

    def test_under_7_days_the_fee_is_at_least_1_5_percent(self):
        with pytest.raises(ShortHoldingFeeTooLow):
            redemption_tiers_parse([[0, "0.0149"]])
        with pytest.raises(ShortHoldingFeeTooLow):
            redemption_tiers_parse([[0, "0.015"], [6, "0.005"]])
        assert redemption_tiers_parse([[0, "0.015"], [7, "0.005"]])[1].rate == Decimal("0.005")


class TestSevenDayYield:
    def test_the_compounded_formula_worked_through(self):
        # Income carried into the holding daily compounds (CSRC's rule on the 7-day yield of a
        # money-market fund whose income is carried forward daily):
        # [∏ (1 + income / 10,000)]^(365/7) − 1. 0.6 a day: (1.00006^7)^(365/7) = 1.00006^365
        # = 1.02214089368... -> 0.022141 (2.2141 %), not the simple 0.021900.
        assert yield_7d([Decimal("0.6")] * 7) == Decimal("0.022141")

    def test_each_day_compounds_on_the_days_before(self):
        # 1.00005 × 1.000051 × 1.000049 × 1.000052 × 1.00005 × 1.000048 × 1.000053
        # = 1.00035305339..., ^(365/7) − 1 = 0.01857639783... -> 0.018576
        incomes = [Decimal(x) for x in ("0.5", "0.51", "0.49", "0.52", "0.5", "0.48", "0.53")]
        assert yield_7d(incomes) == Decimal("0.018576")

    def test_it_rounds_once_half_up_to_6_decimals(self):
        # 1.000042^365 − 1 = 0.0154477803... -> 0.015448
        assert yield_7d([Decimal("0.42")] * 7) == Decimal("0.015448")

    def test_a_loss_compounds_too(self):
        # 0.99999^365 − 1 = −0.00364336503... -> −0.003643
        assert yield_7d([Decimal("-0.1")] * 7) == Decimal("-0.003643")

    def test_it_needs_exactly_7_days(self):
        with pytest.raises(ValueError):
            yield_7d([Decimal("0.5")] * 6)

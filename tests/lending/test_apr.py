"""Worked examples of the APR (docs/modules/lending.md, "APR").

中国人民银行公告〔2021〕第3号 requires every loan offer and contract to show the annualised rate
of the loan's whole cost: what the borrower really receives against everything they repay, on
the dates they repay it. Hujin computes it as the internal rate of return per repayment period,
times the periods in a year. The expected figures here are worked out apart from
``hujin.lending.apr``: by hand in Decimal for a single payment, and with
``numpy_financial.irr`` on cash flows listed in the test for monthly instalments.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy_financial as npf
import pytest
from scipy.optimize import brentq

from hujin.lending import types as t
from hujin.lending.schedule import schedule

START = date(2026, 1, 15)
FOUR_PLACES = Decimal("0.0001")


def shown(rate) -> Decimal:
    """A rate as the APR is shown: 4 decimals, half up."""
    return Decimal(repr(rate) if isinstance(rate, float) else rate).quantize(
        FOUR_PLACES, rounding=ROUND_HALF_UP
    )


def monthly(method: str, *, principal: int = 10_000_000, rate: str = "0.06", term: int = 12,
            **changes) -> t.Terms:  # fmt: skip
    return t.Terms(principal_minor=principal, annual_rate=Decimal(rate), term=term,
                   method=method, start=START, **changes)  # fmt: skip


def bullet(**changes) -> t.Terms:
    return t.Terms(principal_minor=500_000, annual_rate=Decimal("0.18"), term=30,
                   method=t.BULLET, start=START, term_unit=t.TERM_DAYS, **changes)  # fmt: skip


class TestWithoutFees:
    @pytest.mark.parametrize("method", [t.EQUAL_INSTALMENT, t.EQUAL_PRINCIPAL, t.INTEREST_ONLY])
    def test_a_monthly_loan_without_fees_costs_its_nominal_rate(self, method):
        assert schedule(monthly(method)).apr == Decimal("0.0600")

    def test_interest_only_at_7_2_percent_shows_7_20_percent(self):
        assert schedule(monthly(t.INTEREST_ONLY, principal=5_000_000, rate="0.072",
                                term=6)).apr == Decimal("0.0720")  # fmt: skip

    def test_the_apr_is_a_decimal_with_four_places(self):
        apr = schedule(monthly(t.EQUAL_INSTALMENT)).apr

        assert isinstance(apr, Decimal)
        assert apr.as_tuple().exponent == -4

    def test_an_act_365_bullet_costs_its_nominal_rate(self):
        # (5,073.97 / 5,000 − 1) × 365 / 30 = 0.17999...
        expected = (Decimal("5073.97") / Decimal("5000") - 1) * 365 / 30

        assert schedule(bullet()).apr == shown(expected) == Decimal("0.1800")

    def test_an_act_360_bullet_costs_more_than_its_nominal_rate(self):
        # 75.00 on 5,000.00 for 30 days: 1.5 % × 365 / 30 = 18.25 %, above the nominal 18 %,
        # because a 360-day year charges 365 / 360 of the rate over a real year.
        expected = (Decimal("5075.00") / Decimal("5000") - 1) * 365 / 30

        assert schedule(bullet(day_count=t.ACT_360)).apr == shown(expected) == Decimal("0.1825")


class TestWithFees:
    def test_a_one_off_fee_on_a_30_day_bullet_is_annualised_over_its_30_days(self):
        # The borrower receives 5,000 − 10 = 4,990.00 and repays 5,073.97 after 30 days:
        # (5,073.97 / 4,990 − 1) × 365 / 30 = 0.204733... → 20.47 %.
        expected = (Decimal("5073.97") / Decimal("4990.00") - 1) * 365 / 30

        apr = schedule(bullet(upfront_fee_minor=1_000)).apr

        assert apr == shown(expected) == Decimal("0.2047")

    def test_a_2_percent_one_off_fee_lifts_a_6_percent_equal_instalment_loan_near_9_8(self):
        # Received 98,000.00; repaid 8,606.64 a month, the twelfth 8,606.69.
        flows = [98_000.00] + [-8_606.64] * 11 + [-8_606.69]
        expected = npf.irr(flows) * 12  # 0.098000...

        apr = schedule(monthly(t.EQUAL_INSTALMENT, upfront_fee_minor=200_000)).apr

        assert apr == shown(expected) == Decimal("0.0980")
        assert apr > Decimal("0.09")

    def test_a_2_percent_one_off_fee_on_an_equal_principal_loan(self):
        # Received 117,600.00; repaid 10,000 + 600, 10,000 + 550, ..., 10,000 + 50.
        flows = [117_600.00] + [-(10_000.00 + 600.00 - 50.00 * k) for k in range(12)]
        expected = npf.irr(flows) * 12

        apr = schedule(monthly(t.EQUAL_PRINCIPAL, principal=12_000_000,
                               upfront_fee_minor=240_000)).apr  # fmt: skip

        assert apr == shown(expected) == Decimal("0.0983")

    def test_an_instalment_fee_of_50_a_month_counts_in_the_apr(self):
        # 100,000.00 received; 8,656.64 a month, the twelfth 8,656.69.
        flows = [100_000.00] + [-8_656.64] * 11 + [-8_656.69]
        expected = npf.irr(flows) * 12

        apr = schedule(monthly(t.EQUAL_INSTALMENT, instalment_fee_minor=5_000)).apr

        assert apr == shown(expected) == Decimal("0.0709")


class TestAFirstPeriodThatIsNotAMonth:
    def test_a_41_day_first_period_counts_as_41_31sts_of_a_period(self):
        # Disbursed 15 January, first due 25 February: 41 days, and the month from 15 January
        # has 31, so the first instalment falls at 41 / 31 of a period and each later one a
        # period after it. The first instalment is 8,106.64 + 673.97 = 8,780.61.
        times = [0.0] + [41 / 31 + k for k in range(12)]
        flows = [100_000.00, -8_780.61] + [-8_606.64] * 10 + [-8_606.69]

        def npv(rate: float) -> float:
            return sum(a / (1 + rate) ** tm for tm, a in zip(times, flows, strict=True))

        expected = brentq(npv, 0.0, 1.0, xtol=1e-15) * 12

        apr = schedule(monthly(t.EQUAL_INSTALMENT, repayment_day=25)).apr

        assert apr == shown(expected) == Decimal("0.0602")


class TestAprFigureForEveryValidTerms:
    """The root is searched between bounds no power of (1 + r) over the loan can overflow."""

    def test_a_one_off_fee_of_91_percent_still_gives_an_apr(self):
        # CNY 1,000.00 for 30 days at 18 % with a 910.00 fee: received 90.00, repaid
        # 1,000.00 + 14.79; (1,014.79 / 90 − 1) × 365 / 30 = 125.0179... (12,501.79 %).
        terms = t.Terms(principal_minor=100_000, annual_rate=Decimal("0.18"), term=30,
                        method=t.BULLET, start=START, term_unit=t.TERM_DAYS,
                        upfront_fee_minor=91_000)  # fmt: skip
        expected = (Decimal("1014.79") / Decimal("90.00") - 1) * 365 / 30

        assert schedule(terms).apr == shown(expected)

    @pytest.mark.parametrize("months", [297, 360])
    def test_a_loan_of_more_than_296_months_still_gives_an_apr(self, months):
        terms = monthly(t.EQUAL_INSTALMENT, principal=100_000_000, rate="0.049", term=months)

        assert abs(schedule(terms).apr - Decimal("0.049")) <= Decimal("0.0001")

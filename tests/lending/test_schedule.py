"""Worked examples of the repayment schedules (docs/modules/lending.md, "Repayment schedules").

Every expected figure here is worked out apart from ``hujin.lending.schedule``: written out as
the example's table, or computed in the test with plain Decimal arithmetic from the textbook
formulas, and rounded as the rule says (each instalment's interest once, half up, to the fen).
Amounts are in fen: 860_664 is CNY 8,606.64.
"""

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

import pytest

from hujin.lending import types as t
from hujin.lending.schedule import schedule

START = date(2026, 1, 15)


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def textbook_instalment(principal: int, annual_rate: Decimal, months: int) -> int:
    """等额本息's instalment A = P·i / (1 − (1 + i)^−n), i the monthly rate, to the fen."""
    with localcontext() as ctx:
        ctx.prec = 50
        i = annual_rate / 12
        exact = principal * i / (1 - (1 + i) ** -months)
    return half_up(exact)


def rows_of(terms: t.Terms) -> list[tuple]:
    return [(r.due_date, r.principal_minor, r.interest_minor, r.fee_minor, r.total_minor,
             r.balance_after_minor) for r in schedule(terms).instalments]  # fmt: skip


# --- 等额本息: CNY 100,000.00 over 12 months at 6 % -------------------------------------------

EQUAL_INSTALMENT = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                           method=t.EQUAL_INSTALMENT, start=START)  # fmt: skip

# due date, principal, interest, fee, total, balance after: the table of the docs.
EQUAL_INSTALMENT_ROWS = [
    (date(2026, 2, 15), 810_664, 50_000, 0, 860_664, 9_189_336),
    (date(2026, 3, 15), 814_717, 45_947, 0, 860_664, 8_374_619),
    (date(2026, 4, 15), 818_791, 41_873, 0, 860_664, 7_555_828),
    (date(2026, 5, 15), 822_885, 37_779, 0, 860_664, 6_732_943),
    (date(2026, 6, 15), 826_999, 33_665, 0, 860_664, 5_905_944),
    (date(2026, 7, 15), 831_134, 29_530, 0, 860_664, 5_074_810),
    (date(2026, 8, 15), 835_290, 25_374, 0, 860_664, 4_239_520),
    (date(2026, 9, 15), 839_466, 21_198, 0, 860_664, 3_400_054),
    (date(2026, 10, 15), 843_664, 17_000, 0, 860_664, 2_556_390),
    (date(2026, 11, 15), 847_882, 12_782, 0, 860_664, 1_708_508),
    (date(2026, 12, 15), 852_121, 8_543, 0, 860_664, 856_387),
    (date(2027, 1, 15), 856_387, 4_282, 0, 860_669, 0),
]


class TestEqualInstalment:
    def test_the_instalment_is_the_textbook_annuity_of_8606_64(self):
        rows = schedule(EQUAL_INSTALMENT).instalments

        assert {r.total_minor for r in rows[:-1]} == {
            textbook_instalment(10_000_000, Decimal("0.06"), 12)
        }
        assert rows[0].total_minor == 860_664

    def test_the_worked_example_follows_from_the_declining_balance_by_hand(self):
        # Each month: interest = balance × 0.5 %, rounded half up; principal = 8,606.64 less it;
        # the last instalment pays the whole balance left and its interest.
        balance, expected = 10_000_000, []
        for month in range(1, 13):
            interest = half_up(balance * Decimal("0.005"))
            principal = balance if month == 12 else 860_664 - interest
            balance -= principal
            expected.append((principal, interest, principal + interest, balance))

        assert [(p, i, total, b) for _, p, i, _, total, b in EQUAL_INSTALMENT_ROWS] == expected

    def test_the_schedule_is_the_worked_example_row_by_row(self):
        assert rows_of(EQUAL_INSTALMENT) == EQUAL_INSTALMENT_ROWS

    def test_the_first_month_pays_500_interest_and_8106_64_principal(self):
        first = schedule(EQUAL_INSTALMENT).instalments[0]

        assert (first.interest_minor, first.principal_minor, first.total_minor) == (
            50_000, 810_664, 860_664)  # fmt: skip

    def test_the_total_interest_is_3279_73(self):
        # 12 × 8,606.64 = 103,279.68; the last instalment pays 0.05 more (8,606.69), the rounding
        # the eleven instalments before it left in the balance.
        sched = schedule(EQUAL_INSTALMENT)

        assert sched.totals["interest"] == 327_973
        assert sched.totals["total"] == 12 * 860_664 + 5

    def test_the_last_instalment_absorbs_the_rounding_so_principal_sums_to_the_loan(self):
        rows = schedule(EQUAL_INSTALMENT).instalments
        last = rows[-1]

        assert (last.principal_minor, last.interest_minor, last.total_minor) == (
            856_387, 4_282, 860_669)  # fmt: skip
        assert sum(r.principal_minor for r in rows) == 10_000_000
        assert last.balance_after_minor == 0


# --- 等额本金: CNY 120,000.00 over 12 months at 6 % -------------------------------------------

EQUAL_PRINCIPAL = t.Terms(principal_minor=12_000_000, annual_rate=Decimal("0.06"), term=12,
                          method=t.EQUAL_PRINCIPAL, start=START)  # fmt: skip


class TestEqualPrincipal:
    def test_each_month_repays_10000_principal_and_interest_on_what_is_left(self):
        rows = schedule(EQUAL_PRINCIPAL).instalments

        assert [r.principal_minor for r in rows] == [1_000_000] * 12
        # Month k owes interest on 120,000 − (k − 1) × 10,000 at 0.5 %: 600, 550, ..., 50.
        assert [r.interest_minor for r in rows] == [60_000 - 5_000 * k for k in range(12)]

    def test_the_first_interest_is_600_the_last_50_and_the_total_3900(self):
        sched = schedule(EQUAL_PRINCIPAL)

        assert sched.instalments[0].interest_minor == 60_000
        assert sched.instalments[-1].interest_minor == 5_000
        assert sched.totals["interest"] == 390_000  # 0.5 % × 10,000 × (12 + 11 + ... + 1)
        assert sched.instalments[0].total_minor == 1_060_000
        assert sched.instalments[-1].total_minor == 1_005_000

    def test_a_principal_that_does_not_divide_is_rounded_down_and_the_last_takes_the_rest(self):
        # CNY 1,000.00 over 3 months: 333.33, 333.33, then 333.34.
        terms = t.Terms(principal_minor=100_000, annual_rate=Decimal("0.06"), term=3,
                        method=t.EQUAL_PRINCIPAL, start=START)  # fmt: skip
        each = int((Decimal(100_000) / 3).to_integral_value(rounding=ROUND_DOWN))

        parts = [r.principal_minor for r in schedule(terms).instalments]

        assert parts == [each, each, 100_000 - 2 * each] == [33_333, 33_333, 33_334]


# --- 先息后本: CNY 50,000.00 over 6 months at 7.2 % --------------------------------------------


class TestInterestOnly:
    def test_each_month_pays_300_interest_and_the_last_the_principal_as_well(self):
        terms = t.Terms(principal_minor=5_000_000, annual_rate=Decimal("0.072"), term=6,
                        method=t.INTEREST_ONLY, start=START)  # fmt: skip
        monthly_interest = half_up(5_000_000 * Decimal("0.072") / 12)  # 300.00

        rows = rows_of(terms)

        assert monthly_interest == 30_000
        assert [total for *_, total, _ in rows] == [30_000] * 5 + [5_030_000]
        assert [balance for *_, balance in rows] == [5_000_000] * 5 + [0]
        assert schedule(terms).totals["interest"] == 6 * 30_000


# --- 一次性还本付息 in days: CNY 5,000.00 for 30 days at 18 % ----------------------------------


def bullet(days: int = 30, day_count: str = t.ACT_365, **changes) -> t.Terms:
    return t.Terms(principal_minor=500_000, annual_rate=Decimal("0.18"), term=days,
                   method=t.BULLET, start=START, term_unit=t.TERM_DAYS, day_count=day_count,
                   **changes)  # fmt: skip


class TestBulletInDays:
    def test_act_365_charges_73_97_for_30_days(self):
        # 5,000 × 18 % × 30 / 365 = 73.972...
        (only,) = schedule(bullet()).instalments

        assert only.interest_minor == half_up(500_000 * Decimal("0.18") * 30 / 365) == 7_397
        assert (only.principal_minor, only.total_minor) == (500_000, 507_397)

    def test_act_360_charges_75_00_for_the_same_30_days(self):
        # 5,000 × 18 % × 30 / 360 = 75 exactly.
        (only,) = schedule(bullet(day_count=t.ACT_360)).instalments

        assert only.interest_minor == 7_500
        assert only.total_minor == 507_500

    def test_it_falls_due_30_days_after_disbursement_in_one_payment(self):
        (only,) = schedule(bullet()).instalments

        assert (only.period_start, only.due_date) == (START, date(2026, 2, 14))
        assert only.balance_after_minor == 0


# --- A first period shorter or longer than a month ---------------------------------------------


class TestProRatedFirstPeriod:
    def test_a_longer_first_period_pays_its_days_of_interest_and_the_same_principal(self):
        # Disbursed on 15 January, repaid on the 25th: the first period runs to 25 February,
        # 41 days. Interest 100,000 × 6 % × 41 / 365 = 673.972... → 673.97.
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START, repayment_day=25)  # fmt: skip

        first, second = schedule(terms).instalments[:2]

        assert first.due_date == date(2026, 2, 25)
        assert (first.due_date - first.period_start).days == 41
        assert first.interest_minor == half_up(10_000_000 * Decimal("0.06") * 41 / 365) == 67_397
        assert first.principal_minor == 810_664  # as in a regular month
        assert first.total_minor == 878_061
        # From then on, regular months on the 25th: 91,893.36 × 0.5 % = 459.47.
        assert second.due_date == date(2026, 3, 25)
        assert (second.principal_minor, second.interest_minor) == (814_717, 45_947)
        # Only the first interest differs from the regular schedule's: 3,279.73 − 500.00 + 673.97.
        assert schedule(terms).totals["interest"] == 327_973 - 50_000 + 67_397 == 345_370

    def test_a_shorter_first_period_pays_fewer_days_of_interest(self):
        # Disbursed on 15 January, repaid on the 5th: the first period runs to 5 February,
        # 21 days. Interest 100,000 × 6 % × 21 / 365 = 345.205... → 345.21.
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START, repayment_day=5)  # fmt: skip

        first = schedule(terms).instalments[0]

        assert first.due_date == date(2026, 2, 5)
        assert first.interest_minor == 34_521
        assert first.principal_minor == 810_664
        assert first.total_minor == 845_185

    def test_act_360_pro_rates_over_360_days(self):
        # 100,000 × 6 % × 41 / 360 = 683.333... → 683.33.
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START, repayment_day=25,
                        day_count=t.ACT_360)  # fmt: skip

        assert schedule(terms).instalments[0].interest_minor == 68_333

    def test_equal_principal_pro_rates_the_first_interest_and_keeps_its_principal(self):
        # CNY 120,000.00 from 15 January, repaid on the 25th: 120,000 × 6 % × 41 / 365 = 808.77.
        terms = t.Terms(principal_minor=12_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_PRINCIPAL, start=START, repayment_day=25)  # fmt: skip

        first = schedule(terms).instalments[0]

        assert (first.principal_minor, first.interest_minor) == (1_000_000, 80_877)

    def test_a_repayment_day_equal_to_the_start_day_is_a_regular_month(self):
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START, repayment_day=15)  # fmt: skip

        assert rows_of(terms) == EQUAL_INSTALMENT_ROWS


# --- A start on the 31st ----------------------------------------------------------------------


class TestStartOnTheLastDayOfAMonth:
    def test_due_dates_fall_on_each_month_end_and_february_on_the_28th(self):
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=date(2026, 1, 31))  # fmt: skip

        dues = [r.due_date for r in schedule(terms).instalments]

        assert dues[:4] == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
                            date(2026, 5, 31)]  # fmt: skip
        assert dues[-1] == date(2027, 1, 31)

    def test_in_a_leap_year_february_falls_on_the_29th(self):
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=3,
                        method=t.EQUAL_INSTALMENT, start=date(2028, 1, 31))  # fmt: skip

        dues = [r.due_date for r in schedule(terms).instalments]

        assert dues == [date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]

    def test_a_28_day_february_still_charges_a_regular_months_interest(self):
        # 31 January to 28 February is a calendar month: 100,000 × 6 % / 12 = 500.00, not
        # 28 days' 460.27; then 31 days to 31 March are a month too: 91,893.36 × 0.5 % = 459.47.
        # So every amount is the regular example's; only the dates differ.
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=date(2026, 1, 31))  # fmt: skip

        amounts = [row[1:] for row in rows_of(terms)]

        assert amounts[0][1] == 50_000
        assert amounts[1][1] == 45_947
        assert amounts == [row[1:] for row in EQUAL_INSTALMENT_ROWS]


# --- Fees -------------------------------------------------------------------------------------


class TestFees:
    def test_an_instalment_fee_is_added_to_every_instalment_and_changes_nothing_else(self):
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START,
                        instalment_fee_minor=5_000)  # fmt: skip

        sched = schedule(terms)

        assert [r.fee_minor for r in sched.instalments] == [5_000] * 12
        assert sched.instalments[0].total_minor == 865_664  # 8,606.64 + 50.00
        assert sched.instalments[-1].total_minor == 865_669
        assert [(r.principal_minor, r.interest_minor) for r in sched.instalments] == [
            (p, i) for _, p, i, *_ in EQUAL_INSTALMENT_ROWS]  # fmt: skip
        assert sched.totals["fees"] == 60_000
        assert sched.totals["total"] == 10_000_000 + 327_973 + 60_000

    def test_a_one_off_fee_is_deducted_from_what_is_paid_out_not_from_what_is_owed(self):
        # A 2 % fee on CNY 100,000.00: the borrower receives 98,000.00 and repays the whole loan.
        terms = t.Terms(principal_minor=10_000_000, annual_rate=Decimal("0.06"), term=12,
                        method=t.EQUAL_INSTALMENT, start=START,
                        upfront_fee_minor=200_000)  # fmt: skip

        sched = schedule(terms)

        assert sched.disbursed_minor == 9_800_000
        assert sched.totals["upfront_fee"] == 200_000
        assert rows_of(terms) == EQUAL_INSTALMENT_ROWS
        assert sched.totals["fees"] == 0  # no fee falls due with an instalment

    def test_a_one_off_fee_on_a_bullet_loan_leaves_the_payment_unchanged(self):
        sched = schedule(bullet(upfront_fee_minor=1_000))

        assert sched.disbursed_minor == 499_000
        assert sched.instalments[0].total_minor == 507_397


class TestTermsNoScheduleAllows:
    @pytest.mark.parametrize("changes", [
        {"principal_minor": 0},
        {"term": 0},
        {"upfront_fee_minor": 10_000_000},
        {"upfront_fee_minor": -1},
        {"repayment_day": 32},
        {"term_unit": t.TERM_DAYS},  # a term in days with monthly instalments
    ])  # fmt: skip
    def test_impossible_terms_are_refused(self, changes):
        terms = t.Terms(**{"principal_minor": 10_000_000, "annual_rate": Decimal("0.06"),
                           "term": 12, "method": t.EQUAL_INSTALMENT, "start": START,
                           **changes})  # fmt: skip

        with pytest.raises(ValueError):
            schedule(terms)

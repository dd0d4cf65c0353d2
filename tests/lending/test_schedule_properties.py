"""What holds for every schedule, whatever the terms (hypothesis, derandomised: the same
examples on every run).

The terms range over CNY 1,000.00 to 1,000,000.00, 0 to 24 % a year, 1 to 60 months, every
method and day count, disbursement dates in 2020-2030 and a repayment day of the start's or
the 1st to the 28th.
"""

import itertools
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from hujin.lending import types as t
from hujin.lending.schedule import schedule

EXAMPLES = settings(max_examples=200, derandomize=True, deadline=None)

principals = st.integers(min_value=1_000_00, max_value=1_000_000_00)
rates = st.decimals(min_value=0, max_value=Decimal("0.24"), places=4)
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
repayment_days = st.one_of(st.none(), st.integers(min_value=1, max_value=28))
day_counts = st.sampled_from(t.DAY_COUNTS)


@st.composite
def monthly_terms(draw, methods=t.METHODS, repayment_day=repayment_days) -> t.Terms:
    return t.Terms(
        principal_minor=draw(principals),
        annual_rate=draw(rates),
        term=draw(st.integers(min_value=1, max_value=60)),
        method=draw(st.sampled_from(methods)),
        start=draw(starts),
        day_count=draw(day_counts),
        repayment_day=draw(repayment_day),
    )


@EXAMPLES
@given(terms=monthly_terms())
def test_the_principal_parts_sum_exactly_to_the_loan_and_none_is_negative(terms):
    rows = schedule(terms).instalments

    assert sum(r.principal_minor for r in rows) == terms.principal_minor
    assert all(r.principal_minor >= 0 and r.interest_minor >= 0 for r in rows)
    assert all(isinstance(r.principal_minor, int) and isinstance(r.interest_minor, int)
               for r in rows)  # fmt: skip


@EXAMPLES
@given(terms=monthly_terms())
def test_the_balance_never_rises_and_ends_at_zero(terms):
    rows = schedule(terms).instalments
    balances = [terms.principal_minor] + [r.balance_after_minor for r in rows]

    assert all(later <= earlier for earlier, later in itertools.pairwise(balances))
    assert balances[-1] == 0
    # Each balance is the one before less the principal repaid.
    assert all(b - r.principal_minor == r.balance_after_minor
               for b, r in zip(balances[:-1], rows, strict=True))  # fmt: skip


@EXAMPLES
@given(terms=monthly_terms())
def test_due_dates_strictly_increase_from_the_disbursement_and_periods_chain(terms):
    rows = schedule(terms).instalments
    dates = [terms.start] + [r.due_date for r in rows]

    assert all(earlier < later for earlier, later in itertools.pairwise(dates))
    assert [r.period_start for r in rows] == dates[:-1]
    expected_count = 1 if terms.method == t.BULLET else terms.term
    assert len(rows) == expected_count


@EXAMPLES
@given(terms=monthly_terms())
def test_the_totals_add_up_the_rows(terms):
    sched = schedule(terms)
    rows = sched.instalments

    assert sched.totals["principal"] == terms.principal_minor
    assert sched.totals["interest"] == sum(r.interest_minor for r in rows)
    assert sched.totals["total"] == sum(r.total_minor for r in rows)


@EXAMPLES
@given(terms=monthly_terms(methods=(t.EQUAL_INSTALMENT,), repayment_day=st.none()))
def test_an_equal_instalment_loan_without_fees_and_a_regular_first_month_costs_its_rate(terms):
    assert abs(schedule(terms).apr - terms.annual_rate) <= Decimal("0.0001")


@EXAMPLES
@given(terms=monthly_terms(methods=(t.EQUAL_INSTALMENT,), repayment_day=st.none()))
def test_equal_instalments_are_equal_but_for_the_last(terms):
    rows = schedule(terms).instalments
    totals = {r.total_minor for r in rows[:-1]}

    assert len(totals) <= 1


@EXAMPLES
@given(
    principal=principals,
    rate=rates,
    days=st.integers(min_value=1, max_value=365),
    start=starts,
    day_count=day_counts,
)
def test_a_bullet_in_days_charges_the_rounded_interest_of_its_days(
    principal, rate, days, start, day_count
):
    terms = t.Terms(principal_minor=principal, annual_rate=rate, term=days, method=t.BULLET,
                    start=start, term_unit=t.TERM_DAYS, day_count=day_count)  # fmt: skip
    exact = Fraction(principal) * Fraction(rate) * days / t.DAY_BASIS[day_count]
    half_up = int(exact + Fraction(1, 2))  # floor(x + ½): exact ≥ 0

    (only,) = schedule(terms).instalments

    assert only.interest_minor == half_up
    assert only.principal_minor == principal
    assert (only.due_date - start).days == days

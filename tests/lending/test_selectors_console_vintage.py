"""Vintage curves from each loan's history: a loan counts from the month on book it first went
more than 30 days past due (or was written off), even when it caught up later; a loan never that
late never counts; what happened after the day the curves are drawn for is not seen."""

from datetime import date, timedelta

import pytest

from hujin.lending import types as t
from hujin.lending.models import Loan, LoanEvent, LoanStatusChange
from hujin.lending.selectors.console_vintage import vintage
from tests.lending.flow import apply, disbursed

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(borrower, loan_product, champion, funded, now, business_date_set):
    """Three loans disbursed from 2025-03-14 to 16 (month on book 1 is April): 1,200,000 fen
    that will go 31 days past due and catch up, 1,800,000 never late, 1,000,000 to be written
    off."""
    product = loan_product()
    loans = []
    for n, amount in enumerate((1_200_000, 1_800_000, 1_000_000)):
        # a day apart: each its own texted signing code, and its own loan number (the date and
        # the application id's leading, time-ordered digits)
        at, day = now + timedelta(days=n), business_date_set + timedelta(days=n)
        user = borrower(balance=1_000_000)
        application = apply(user, product, at, day, amount=amount)
        assert application.state == t.APP_APPROVED
        loans.append(disbursed(user, application, at, day))
    assert [loan.start_date.day for loan in loans] == [14, 15, 16]
    return loans


def went(loan, on: date, dpd: int, bucket: str, previous: str) -> None:
    LoanStatusChange.objects.create(loan=loan, business_date=on, dpd=dpd, bucket=bucket,
                                    classification="special_mention", previous_bucket=previous,
                                    previous_classification="normal")  # fmt: skip


def written_off(loan, on: date) -> None:
    LoanEvent.objects.create(loan=loan, kind="write_off", value_date=on, amount_minor=1,
                             idempotency_key="lending:write_off", source="console",
                             actor_id="test", created_at=loan.created_at)  # fmt: skip
    Loan.objects.filter(id=loan.id).update(state=t.LOAN_WRITTEN_OFF)


class TestVintage:
    def test_a_loan_31_days_late_in_month_two_counts_from_month_two_after_catching_up(self, cohort):
        late, _never, _gone = cohort
        went(late, date(2025, 5, 10), 1, "M1", "M0")  # month 2
        went(late, date(2025, 5, 20), 31, "M2", "M1")
        went(late, date(2025, 6, 3), 0, "M0", "M2")  # caught up in month 3
        chart, rows = vintage(date(2025, 8, 10))
        assert chart.x_labels == ("1", "2", "3", "4", "5")
        [row] = rows
        assert row == {"month": "2025-03", "principal_minor": 4_000_000, "months": 5,
                       "share": "30.0%"}  # fmt: skip
        # the loan is current today: worked back from its present state it would not count
        assert Loan.objects.get(id=late.id).dpd == 0
        [line] = chart.lines
        heights = [y for _x, y in line.dots]
        assert heights[0] > heights[1] == heights[2] == heights[3] == heights[4]

    def test_a_loan_never_more_than_30_days_late_does_not_count(self, cohort):
        _late, never, _gone = cohort
        went(never, date(2025, 4, 20), 6, "M1", "M0")  # late, never past 30
        _chart, [row] = vintage(date(2025, 8, 10))
        assert row["share"] == "0.0%"

    def test_a_write_off_counts_from_its_month_and_adds_to_the_late(self, cohort):
        late, _never, gone = cohort
        went(late, date(2025, 5, 20), 31, "M2", "M1")
        written_off(gone, date(2025, 7, 2))  # month 4
        chart, [row] = vintage(date(2025, 8, 10))
        assert row["share"] == "55.0%"
        [line] = chart.lines
        heights = [y for _x, y in line.dots]
        assert heights[0] > heights[1] == heights[2] > heights[3] == heights[4]

    def test_what_happened_after_the_day_drawn_is_not_seen(self, cohort):
        late, _never, _gone = cohort
        went(late, date(2025, 9, 20), 31, "M2", "M1")
        chart, [row] = vintage(date(2025, 8, 10))
        assert row["share"] == "0.0%"
        assert len(chart.lines[0].dots) == 5

    def test_no_loan_disbursed_no_curves(self, db):
        assert vintage(date(2025, 8, 10)) == (None, [])

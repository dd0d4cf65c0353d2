"""The close of business of loans: interest recognised day by day, dues collected from the
wallet, penalty on what is overdue, days past due, buckets and classification."""

from datetime import timedelta

import pytest
from django.db import transaction

from hujin.lending import types as t
from hujin.lending.cob import lending_steps_run
from hujin.lending.cob_accrual import interest_accrue, penalty_accrue
from hujin.lending.cob_collect import dues_collect
from hujin.lending.models import AccrualRun, Loan, LoanStatusChange
from hujin.lending.overdue import bucket_of, class_floor, status_update
from hujin.lending.recognition import interest_accrued
from tests.lending.flow import apply, current, disbursed, drain, loan_balances, verified_clean

D = timedelta(days=1)
PRINCIPAL = 1_200_000


@pytest.fixture
def loan(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=PRINCIPAL)
    assert application.state == t.APP_APPROVED
    loan = disbursed(user, application, now, business_date_set)
    loan.user = user
    return loan


def reloaded(loan):
    return Loan.objects.get(id=loan.id)


def vars_of(row) -> dict:
    return {k: v for k, v in vars(row).items() if not k.startswith("_")}


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += D


class TestInterestAccrual:
    def test_recognises_the_first_instalments_interest_by_its_due_date_day_by_day(self, loan, now):
        first = current(loan)[0]
        for day in days(first.period_start + D, first.due_date):
            interest_accrue(business_date=day, now=now)
            elapsed = (day - first.period_start).days
            total = (first.due_date - first.period_start).days
            expected = (2 * first.interest_minor * elapsed + total) // (2 * total)
            assert loan_balances(loan)["interest"] == expected
        assert interest_accrued(reloaded(loan)) == (first.interest_minor, first.due_date)
        verified_clean()

    def test_twice_for_a_date_is_once(self, loan, now):
        day = current(loan)[0].period_start + 10 * D
        first = interest_accrue(business_date=day, now=now)
        again = interest_accrue(business_date=day, now=now)
        assert first["status"] == "accrued" and first["total_minor"] > 0
        assert again["total_minor"] == 0
        assert interest_accrued(reloaded(loan))[0] == first["total_minor"]
        verified_clean()

    def test_a_skipped_date_is_caught_up_by_the_next(self, loan, now):
        first = current(loan)[0]
        interest_accrue(business_date=first.period_start + 5 * D, now=now)
        interest_accrue(business_date=first.period_start + 15 * D, now=now)
        days_ = (first.due_date - first.period_start).days
        expected = (2 * first.interest_minor * 15 + days_) // (2 * days_)
        assert interest_accrued(reloaded(loan))[0] == expected

    def test_a_date_at_or_before_the_last_close_recognises_nothing(self, loan, now):
        first = current(loan)[0]
        interest_accrue(business_date=first.period_start + 15 * D, now=now)
        earlier = interest_accrue(business_date=first.period_start + 5 * D, now=now)
        assert earlier == {"status": "done_before", "loans": 0, "total_minor": 0}
        verified_clean()

    def test_the_close_writes_no_loan_or_instalment_only_the_ledger_and_its_run(self, loan, now):
        first = current(loan)[0]
        before = (reloaded(loan).updated_at, [vars_of(row) for row in current(loan)])
        result = interest_accrue(business_date=first.period_start + 10 * D, now=now)
        assert result["loans"] == 1 and loan_balances(loan)["interest"] == result["total_minor"]
        assert (reloaded(loan).updated_at, [vars_of(row) for row in current(loan)]) == before
        assert reloaded(loan).interest_accrued_minor == 0
        assert AccrualRun.objects.get().total_minor == result["total_minor"]

    def test_the_loans_next_event_brings_its_counters_up_to_the_last_close(self, loan, now):
        from hujin.lending.services.loans import loan_locked

        first = current(loan)[0]
        interest_accrue(business_date=first.period_start + 10 * D, now=now)
        shown = interest_accrued(reloaded(loan))
        with transaction.atomic():
            loan_locked(loan.id)
        stored = reloaded(loan)
        assert (stored.interest_accrued_minor, stored.accrued_through) == shown
        assert current(loan)[0].interest_recognised_minor == shown[0]
        assert interest_accrued(stored) == shown
        verified_clean()

    def test_a_repayment_recognises_only_what_the_days_had_not(self, loan, now):
        from hujin.lending.services import loan_repay
        from tests.lending.conftest import customer_actor

        first = current(loan)[0]
        interest_accrue(business_date=first.due_date - 3 * D, now=now)
        loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                   amount_minor=first.interest_minor + first.principal_minor,
                   idempotency_key="early", now=now,
                   business_date=first.due_date - 3 * D)  # fmt: skip
        interest_accrue(business_date=first.due_date, now=now)
        loan = reloaded(loan)
        assert interest_accrued(loan)[0] == loan.interest_paid_minor == first.interest_minor
        assert loan_balances(loan)["interest"] == 0
        verified_clean()


class TestCollection:
    def test_on_the_due_date_the_wallet_pays_the_instalment(self, loan, now):
        first = current(loan)[0]
        result = dues_collect(business_date=first.due_date, now=now)
        assert result["collected"] == 1
        assert current(loan)[0].paid_on == first.due_date
        verified_clean()

    def test_a_short_wallet_pays_what_it_holds_and_the_rest_stays_due(
        self, loan, now, business_date_set
    ):
        first = current(loan)[0]
        drain(loan.user, leave=1_000, now=now, business_date=business_date_set)
        dues_collect(business_date=first.due_date, now=now)
        first = current(loan)[0]
        assert first.paid_on is None
        paid = first.interest_paid_minor + first.principal_paid_minor
        assert paid == 1_000
        verified_clean()


class TestOverdue:
    def test_days_past_due_count_from_the_oldest_unpaid_due_date(
        self, loan, now, business_date_set
    ):
        first = current(loan)[0]
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        status_update(business_date=first.due_date)
        loan.refresh_from_db()
        assert (loan.dpd, loan.bucket, loan.classification) == (0, "M0", "normal")

        status_update(business_date=first.due_date + 31 * D)
        loan.refresh_from_db()
        assert (loan.dpd, loan.bucket, loan.classification) == (31, "M2", "special_mention")
        change = LoanStatusChange.objects.get(loan=loan)
        assert (change.previous_bucket, change.bucket) == ("M0", "M2")

        status_update(business_date=first.due_date + 31 * D)  # again: no new change
        assert LoanStatusChange.objects.filter(loan=loan).count() == 1

    def test_penalty_runs_on_overdue_principal_after_the_grace_days_once_a_day(
        self, loan, now, business_date_set
    ):
        first = current(loan)[0]
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        for day in days(first.due_date + D, first.due_date + 5 * D):
            penalty_accrue(business_date=day, now=now)
            penalty_accrue(business_date=day, now=now)
        # 3 grace days free, then days 4 and 5: principal × 18 % / 365 each, rounded.
        daily = (2 * first.principal_minor * 180_000 + 365_000_000) // (2 * 365_000_000)
        loan.refresh_from_db()
        assert loan.penalty_accrued_minor == 2 * daily
        assert current(loan)[0].penalty_minor == 2 * daily
        assert loan_balances(loan)["penalty"] == 2 * daily
        verified_clean()

    @pytest.mark.parametrize(
        "dpd, bucket, floor",
        [(0, "M0", "normal"), (1, "M1", "special_mention"), (30, "M1", "special_mention"),
         (31, "M2", "special_mention"), (61, "M3", "special_mention"),
         (90, "M3", "special_mention"), (91, "M4", "substandard"), (270, "M4", "substandard"),
         (271, "M4", "doubtful"), (360, "M4", "doubtful"), (361, "M4", "loss")],
    )  # fmt: skip
    def test_buckets_and_the_regulations_floors(self, dpd, bucket, floor):
        assert bucket_of(dpd) == bucket
        assert class_floor(dpd) == floor


def test_a_whole_close_of_business_keeps_schedule_and_ledger_in_step(loan, now):
    first = current(loan)[0]
    for day in days(first.period_start + D, first.due_date + 2 * D):
        lending_steps_run(business_date=day, now=now)
    loan.refresh_from_db()
    assert current(loan)[0].paid_on == first.due_date
    assert loan.dpd == 0
    verified_clean()


class TestReminders:
    def test_three_days_before_a_due_date_and_on_each_worse_bucket_once(
        self, loan, now, business_date_set
    ):
        from hujin.lending.reminders import reminders_send
        from hujin.notifications.models import Message

        first = current(loan)[0]
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        for _ in range(2):
            assert reminders_send(business_date=first.due_date - 3 * D, now=now)["due_soon"] == 1
        status_update(business_date=first.due_date + D)
        reminders_send(business_date=first.due_date + D, now=now)
        kinds = sorted(Message.objects.filter(recipient=loan.user).values_list("kind", flat=True))
        assert kinds == ["lending.due_soon", "lending.overdue"]


def test_once_a_month_each_models_stability_over_last_months_applications(
    borrower, loan_product, champion, funded, now, business_date_set
):
    from hujin.lending.cob import model_stability
    from hujin.lending.models import ModelStability

    product = loan_product()
    for n in range(3):
        apply(borrower(balance=100_000), product, now, business_date_set, key=f"k{n}")
    next_month = (business_date_set.replace(day=28) + 5 * D).replace(day=1)

    first = model_stability(business_date=next_month, now=now)
    again = model_stability(business_date=next_month + D, now=now)

    stability = ModelStability.objects.get()
    assert first["models"] == 1 and again["models"] == 0
    assert stability.month == business_date_set.replace(day=1)
    assert stability.applications == 3
    assert "score" in stability.psi and "bureau_utilisation" in stability.psi
    # three applicants alike are nothing like the training population: flagged
    assert stability.flagged and all(stability.psi[name] > 0.25 for name in stability.flagged)

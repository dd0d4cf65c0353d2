"""A repayment that arrives dated earlier than what the loan has seen — a bank's late callback
— takes its place: the penalty that would never have run is taken back, later repayments are
allocated again in date order, and the schedule and the ledger still agree."""

from datetime import timedelta

import pytest

from hujin.lending.accounts import ACTOR
from hujin.lending.cob import lending_steps_run
from hujin.lending.errors import RepaymentInvalid
from hujin.lending.models import LoanEvent, PenaltyAccrual
from hujin.lending.services import loan_repay
from tests.lending.conftest import customer_actor
from tests.lending.flow import (
    apply,
    current,
    disbursed,
    drain,
    loan_balances,
    top_up,
    verified_clean,
)

D = timedelta(days=1)


@pytest.fixture
def overdue(borrower, loan_product, champion, funded, now, business_date_set):
    """A loan whose first instalment went unpaid, ten days of close of business later."""
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_200_000)
    loan = disbursed(user, application, now, business_date_set)
    loan.user = user
    first = current(loan)[0]
    drain(user, leave=0, now=now, business_date=business_date_set)
    day = business_date_set
    while day < first.due_date + 10 * D:
        day += D
        lending_steps_run(business_date=day, now=now)
    loan.refresh_from_db()
    assert loan.dpd == 10 and loan.penalty_accrued_minor > 0
    loan.today, loan.first = day, first
    return loan


def _due(row) -> int:
    return row.principal_minor + row.interest_minor + row.fee_minor


def test_paid_on_its_due_date_after_all_no_penalty_remains(overdue, now):
    top_up(overdue.user, _due(overdue.first), now, overdue.today)

    loan_repay(actor=ACTOR, loan_id=overdue.id, amount_minor=_due(overdue.first),
               idempotency_key="bank-cb-1", now=now, business_date=overdue.today,
               value_date=overdue.first.due_date, source="channel")  # fmt: skip

    overdue.refresh_from_db()
    first = current(overdue)[0]
    assert first.paid_on == overdue.first.due_date
    assert first.penalty_minor == 0 and overdue.penalty_accrued_minor == 0
    assert not PenaltyAccrual.objects.filter(loan=overdue).exists()
    assert loan_balances(overdue)["penalty"] == 0
    verified_clean()


def test_a_later_repayment_is_allocated_again_after_the_late_one(overdue, now):
    today = overdue.today
    top_up(overdue.user, 300_000, now, today)
    loan_repay(actor=customer_actor(overdue.user), loan_id=overdue.id, amount_minor=100_000,
               idempotency_key="today", now=now, business_date=today)  # fmt: skip
    before = LoanEvent.objects.get(loan=overdue, idempotency_key="today").allocation
    assert before[0][1] == "penalty"  # today it paid the penalty first

    loan_repay(actor=ACTOR, loan_id=overdue.id, amount_minor=_due(overdue.first),
               idempotency_key="late", now=now, business_date=today,
               value_date=overdue.first.due_date)  # fmt: skip

    after = LoanEvent.objects.get(loan=overdue, idempotency_key="today").allocation
    assert all(number == 2 for number, _, _ in after)  # the next instalment, no penalty
    assert sum(a for _, _, a in after) == 100_000
    verified_clean()


def test_a_customer_cannot_date_a_repayment_back(overdue, now):
    with pytest.raises(RepaymentInvalid):
        loan_repay(actor=customer_actor(overdue.user), loan_id=overdue.id, amount_minor=1_000,
                   idempotency_key="x", now=now, business_date=overdue.today,
                   value_date=overdue.first.due_date)  # fmt: skip

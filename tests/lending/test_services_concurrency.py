"""Two app servers sharing PostgreSQL: repayments of one loan at the same moment queue on the
loan and never allocate the same fen twice; the same request twice at once is one repayment."""

import pytest

from hujin.ledger.verify import ledger_verify
from hujin.lending import types as t
from hujin.lending.errors import LoanStateInvalid
from hujin.lending.models import LoanEvent
from hujin.lending.services import loan_prepay, loan_repay
from tests.lending.conftest import customer_actor
from tests.lending.flow import apply, current, disbursed, verified_clean
from tests.threads import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loan(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=2_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_200_000)
    loan = disbursed(user, application, now, business_date_set)
    loan.user = user
    return loan


def _repay(loan, amount, key, now, day):
    return lambda: loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                              amount_minor=amount, idempotency_key=key, now=now,
                              business_date=day)  # fmt: skip


def test_two_repayments_at_once_pay_two_instalments_not_one_twice(loan, now):
    first = current(loan)[0]
    amount = first.principal_minor + first.interest_minor

    _, failures = together([_repay(loan, amount, k, now, first.due_date)
                            for k in ("a", "b")])  # fmt: skip

    assert failures == []
    rows = current(loan)
    assert rows[0].paid_on == first.due_date
    assert rows[1].principal_paid_minor + rows[1].interest_paid_minor == amount
    loan.refresh_from_db()
    assert loan.interest_paid_minor + loan.principal_paid_minor == 2 * amount
    verified_clean()
    assert ledger_verify().ok


def test_the_same_repayment_twice_at_once_is_one(loan, now):
    first = current(loan)[0]
    results, failures = together([_repay(loan, 10_000, "same", now, first.due_date)] * 4)
    assert failures == []
    assert len({r.id for r in results}) == 1
    assert LoanEvent.objects.filter(loan=loan, kind="repayment").count() == 1
    verified_clean()


def test_two_full_prepayments_at_once_settle_the_loan_once(loan, now, business_date_set):
    def prepay(key):
        return lambda: loan_prepay(actor=customer_actor(loan.user), loan_id=loan.id,
                                   idempotency_key=key, now=now,
                                   business_date=business_date_set)  # fmt: skip

    results, failures = together([prepay("x"), prepay("y")])

    assert len(results) == 1
    assert [type(f) for f in failures] == [LoanStateInvalid]
    loan.refresh_from_db()
    assert loan.state == t.LOAN_SETTLED
    verified_clean()
    assert ledger_verify().ok


def test_the_close_and_an_early_repayment_at_once_recognise_the_interest_once(loan, now):
    from hujin.lending.cob_accrual import interest_accrue

    first = current(loan)[0]
    day = first.period_start + (first.due_date - first.period_start) // 2
    interest_accrue(business_date=day - (first.due_date - first.period_start) // 4, now=now)
    amount = first.principal_minor + first.interest_minor

    _, failures = together([_repay(loan, amount, "early", now, day),
                            lambda: interest_accrue(business_date=day, now=now)])  # fmt: skip

    assert failures == []
    assert current(loan)[0].paid_on == day
    verified_clean()
    assert ledger_verify().ok

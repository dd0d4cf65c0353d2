"""What the customer's own loans say to an application (features.loan_history): how many
were taken, the worst days past due, the next instalment of each open one, and whether one is
overdue — an active loan past due, or one written off and not recovered in full."""

import pytest

from hujin.customers.models import Customer
from hujin.lending import types as t
from hujin.lending.features import LoanHistory, loan_history
from hujin.lending.models import Loan, LoanEvent
from tests.lending.flow import apply, current, disbursed, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(loan_product, champion, funded):
    return loan_product()


def _event(loan, kind: str, amount: int, key: str, now) -> None:
    LoanEvent.objects.create(loan=loan, kind=kind, value_date=now.date(), amount_minor=amount,
                             idempotency_key=key, actor_id="test", created_at=now)  # fmt: skip


def test_a_customer_without_loans_has_no_history(borrower, now):
    customer = Customer.objects.get(user=borrower())

    assert loan_history(customer.id) == LoanHistory(past=0, worst_dpd=None, burden_minor=0,
                                                    overdue=False)  # fmt: skip


def test_a_signed_loan_not_yet_disbursed_is_not_a_past_loan(
    borrower, product, now, business_date_set
):
    user = borrower(balance=2_000_000)
    loan = sign(user, apply(user, product, now, business_date_set, amount=1_500_000), now,
                business_date_set)  # fmt: skip

    history = loan_history(loan.customer_id)

    assert loan.state == t.LOAN_SIGNED
    assert (history.past, history.worst_dpd, history.burden_minor) == (0, None, 0)


def test_an_open_loan_counts_its_next_instalment_and_its_days_past_due(
    borrower, product, now, business_date_set
):
    user = borrower(balance=2_000_000)
    application = apply(user, product, now, business_date_set, amount=1_500_000)
    loan = disbursed(user, application, now, business_date_set)
    first = current(loan)[0]

    on_time = loan_history(loan.customer_id)
    Loan.objects.filter(id=loan.id).update(dpd=4)
    late = loan_history(loan.customer_id)

    assert (on_time.past, on_time.worst_dpd, on_time.overdue) == (1, 0, False)
    assert on_time.burden_minor == first.principal_minor + first.interest_minor + first.fee_minor
    assert (late.worst_dpd, late.overdue) == (4, True)


@pytest.mark.parametrize("recovered, overdue", [(0, True), (500_000, True), (1_000_000, False)])
def test_a_written_off_loan_is_overdue_until_recovered_in_full(
    borrower, product, now, business_date_set, recovered, overdue
):
    user = borrower(balance=2_000_000)
    application = apply(user, product, now, business_date_set, amount=1_500_000)
    loan = disbursed(user, application, now, business_date_set)
    Loan.objects.filter(id=loan.id).update(state=t.LOAN_WRITTEN_OFF, dpd=0)
    _event(loan, "write_off", 1_000_000, "w", now)
    if recovered:
        _event(loan, "recovery", recovered, "r", now)

    history = loan_history(loan.customer_id)

    assert (history.past, history.burden_minor, history.overdue) == (1, 0, overdue)

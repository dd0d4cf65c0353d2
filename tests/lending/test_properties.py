"""Any sequence of days — dues collected or missed, repayments of any size, prepayments in part
or in full, money arriving late, bank callbacks dated days back — leaves every loan's schedule
and the ledger in agreement, and the money where a small reference model says it is: what left
the wallet is what the loans collected, and no fen is created or lost."""

from datetime import timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hujin.ledger.verify import ledger_verify
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.allocation import owed_of
from hujin.lending.cob import lending_steps_run
from hujin.lending.errors import InsufficientFunds, RepaymentInvalid
from hujin.lending.models import Loan, LoanEvent
from hujin.lending.services import loan_prepay, loan_repay
from tests.lending.conftest import customer_actor
from tests.lending.flow import (
    apply,
    current,
    disbursed,
    drain,
    top_up,
    verified_clean,
    wallet_of,
)
from tests.payments.money import wallet

D = timedelta(days=1)

day_action = st.one_of(
    st.just(("nothing",)),
    st.tuples(st.just("repay"), st.integers(min_value=1, max_value=400_000)),
    st.tuples(
        st.just("prepay_part"),
        st.integers(min_value=1, max_value=300_000),
        st.sampled_from(t.PREPAY_CHOICES),
    ),
    st.tuples(
        st.just("late"),
        st.integers(min_value=1, max_value=400_000),
        st.integers(min_value=1, max_value=15),
    ),
    st.just(("prepay_all",)),
    st.just(("spend_all",)),
    st.tuples(st.just("top_up"), st.integers(min_value=1, max_value=500_000)),
)


class Reference:
    """What the wallet must hold: the start, plus top-ups and the disbursement, less what was
    spent elsewhere and what the loan's events took."""

    def __init__(self, start: int):
        self.wallet = start

    def took(self, loan) -> int:
        return sum(e.amount_minor for e in LoanEvent.objects.filter(loan=loan)
                   .exclude(kind="disbursement"))  # fmt: skip


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])  # fmt: skip
@given(days=st.lists(st.tuples(st.integers(min_value=1, max_value=20), day_action),
                     min_size=1, max_size=12))  # fmt: skip
def test_any_sequence_of_days_keeps_schedule_ledger_and_wallet_in_step(
    days, borrower, loan_product, champion, funded, now, business_date_set
):
    sid = transaction.savepoint()
    try:
        _run(days, borrower, loan_product, now, business_date_set)
    finally:
        transaction.savepoint_rollback(sid)


def _run(days, borrower, loan_product, now, start):
    user = borrower(balance=300_000)
    application = apply(user, loan_product(), now, start, amount=1_200_000, term=6)
    loan = disbursed(user, application, now, start)
    actor = customer_actor(user)
    wallet_id = wallet_of(user)
    expected = 300_000 + 1_200_000
    spent = topped = 0
    day = start
    for n, (gap, action) in enumerate(days):
        for _ in range(gap):
            day += D
            lending_steps_run(business_date=day, now=now)
        loan.refresh_from_db()
        kind = action[0]
        try:
            if kind == "repay" and loan.state == t.LOAN_ACTIVE:
                owed = sum(owed_of(r).total() for r in current(loan) if r.paid_on is None)
                loan_repay(actor=actor, loan_id=loan.id, amount_minor=min(action[1], owed),
                           idempotency_key=f"r{n}", now=now, business_date=day)  # fmt: skip
            elif kind == "late" and loan.state == t.LOAN_ACTIVE:
                owed = sum(owed_of(r).total() for r in current(loan) if r.paid_on is None)
                loan_repay(actor=ACTOR, loan_id=loan.id, amount_minor=min(action[1], owed),
                           idempotency_key=f"l{n}", now=now, business_date=day,
                           value_date=max(start, day - action[2] * D),
                           source="channel")  # fmt: skip
            elif kind == "prepay_part" and loan.state == t.LOAN_ACTIVE:
                loan_prepay(actor=actor, loan_id=loan.id, idempotency_key=f"p{n}", now=now,
                            business_date=day, principal_minor=action[1],
                            choice=action[2])  # fmt: skip
            elif kind == "prepay_all" and loan.state == t.LOAN_ACTIVE:
                loan_prepay(actor=actor, loan_id=loan.id, idempotency_key=f"p{n}", now=now,
                            business_date=day)  # fmt: skip
            elif kind == "spend_all":
                held = wallet(wallet_id)["balance"]
                if held:
                    drain(user, leave=0, now=now, business_date=day)
                    spent += held
            elif kind == "top_up":
                top_up(user, action[1], now, day)
                topped += action[1]
        except (InsufficientFunds, RepaymentInvalid):
            pass  # refused, nothing moved: the checks below say so
        verified_clean()
        loan.refresh_from_db()
        took = Reference(0).took(loan)
        assert wallet(wallet_id)["balance"] == expected + topped - spent - took
        assert (
            loan.principal_paid_minor
            + sum(r.principal_minor - r.principal_paid_minor for r in current(loan))
            == loan.principal_minor
        )
        assert (loan.state == t.LOAN_SETTLED) == all(r.paid_on for r in current(loan))
    assert ledger_verify().ok
    assert Loan.objects.get(id=loan.id).interest_paid_minor <= loan.interest_accrued_minor

"""Working a loan in difficulty: notes and promises, a downgrade, a restructuring and a write-off,
each of the last three asked by one analyst and approved by another; and a recovery after it."""

from datetime import timedelta

import pytest

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide
from hujin.core.approvals.errors import MakerCannotCheck
from hujin.core.errors import PermissionDenied
from hujin.lending import types as t
from hujin.lending.accounts import house_id
from hujin.lending.errors import LoanStateInvalid, RepaymentInvalid, ServicingInvalid
from hujin.lending.models import LoanStatusChange
from hujin.lending.overdue import status_update
from hujin.lending.permissions import MANAGE_COLLECTIONS, MANAGE_LOANS
from hujin.lending.services import (
    collection_note_add,
    downgrade_request,
    recovery_receive,
    restructure_request,
    write_off_request,
)
from tests.lending.conftest import customer_actor
from tests.lending.flow import (
    apply,
    balance,
    current,
    disbursed,
    drain,
    loan_balances,
    top_up,
    verified_clean,
)

D = timedelta(days=1)
ANALYST = Actor(kind="staff", id="601", label="analyst", scopes=frozenset({MANAGE_LOANS}))
CHECKER = Actor(kind="staff", id="602", label="checker", scopes=frozenset({MANAGE_LOANS}))
COLLECTOR = Actor(kind="staff", id="603", label="collector",
                  scopes=frozenset({MANAGE_COLLECTIONS}))  # fmt: skip


@pytest.fixture
def loan(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_200_000)
    loan = disbursed(user, application, now, business_date_set)
    loan.user = user
    return loan


def approve(request, now):
    approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="agreed", now=now)


class TestCollectionNotes:
    def test_a_promise_needs_a_date_and_an_amount(self, loan, now):
        with pytest.raises(ServicingInvalid):
            collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                                note="will pay", promise_date=now.date() + D, now=now)  # fmt: skip
        note = collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                                   note="will pay Friday", promise_date=now.date() + 3 * D,
                                   promise_amount_minor=50_000, now=now)  # fmt: skip
        assert note.promise_amount_minor == 50_000

    def test_a_promise_is_dated_by_the_calendar_in_shanghai_not_in_utc(self, loan, now):
        evening = now.replace(hour=17)  # 01:00 the next day in Shanghai
        shanghai_today = evening.date() + D
        with pytest.raises(ServicingInvalid):
            collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                                note="paid yesterday?", promise_date=evening.date(),
                                promise_amount_minor=50_000, now=evening)  # fmt: skip
        note = collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                                   note="will pay today", promise_date=shanghai_today,
                                   promise_amount_minor=50_000, now=evening)  # fmt: skip
        assert note.promise_date == shanghai_today

    def test_only_collections_staff_write_them(self, loan, now):
        with pytest.raises(PermissionDenied):
            collection_note_add(actor=ANALYST, loan_id=loan.id, channel="phone", note="x",
                                now=now)  # fmt: skip


class TestDowngrade:
    def test_a_second_person_approves_and_the_class_holds_above_the_floor(
        self, loan, now, business_date_set
    ):
        request = downgrade_request(actor=ANALYST, loan_id=loan.id, to_class="substandard",
                                    reason="customer lost their job", now=now)  # fmt: skip
        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=ANALYST, request_id=request.id, approve=True, reason="x",
                            now=now)  # fmt: skip
        approve(request, now)
        loan.refresh_from_db()
        assert loan.classification == "substandard"
        status_update(business_date=business_date_set + D)  # the floor is "normal": it holds
        loan.refresh_from_db()
        assert loan.classification == "substandard"
        assert LoanStatusChange.objects.filter(loan=loan, reason="downgrade").count() == 1

    def test_never_to_a_better_class(self, loan, now):
        with pytest.raises(ServicingInvalid):
            downgrade_request(actor=ANALYST, loan_id=loan.id, to_class="normal", reason="x",
                              now=now)  # fmt: skip


class TestRestructuring:
    def test_spreads_the_principal_left_over_the_new_term_and_keeps_the_old_schedule(
        self, loan, now, business_date_set
    ):
        old = current(loan)
        request = restructure_request(actor=ANALYST, loan_id=loan.id, new_term=24,
                                      reason="hardship", now=now)  # fmt: skip
        approve(request, now)
        new = current(loan)
        assert len([r for r in new if r.principal_minor]) == 24
        assert sum(r.principal_minor for r in new) == 1_200_000
        assert max(r.principal_minor + r.interest_minor for r in new[1:]) < (
            old[1].principal_minor + old[1].interest_minor
        )
        loan.refresh_from_db()
        assert loan.schedule_version == 2 and loan.classification == "special_mention"
        verified_clean()


class TestWriteOff:
    def test_only_a_loss_loan_and_then_recoveries_are_income(self, loan, now, business_date_set):
        with pytest.raises(LoanStateInvalid):
            write_off_request(actor=ANALYST, loan_id=loan.id, reason="gone", now=now)
        first = current(loan)[0]
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        status_update(business_date=first.due_date + 361 * D)
        loan.refresh_from_db()
        assert loan.classification == "loss"

        approve(write_off_request(actor=ANALYST, loan_id=loan.id, reason="no contact for a year",
                                  now=now), now)  # fmt: skip
        loan.refresh_from_db()
        assert loan.state == t.LOAN_WRITTEN_OFF
        assert loan_balances(loan) == {"principal": 0, "interest": 0, "penalty": 0}

        top_up(loan.user, 30_000, now, business_date_set)
        recovery_receive(actor=customer_actor(loan.user), loan_id=loan.id, amount_minor=30_000,
                         idempotency_key="r1", now=now,
                         business_date=business_date_set)  # fmt: skip
        assert -balance(house_id("recovery_income")) == 30_000
        with pytest.raises(RepaymentInvalid):
            recovery_receive(actor=customer_actor(loan.user), loan_id=loan.id,
                             amount_minor=10**9, idempotency_key="r2", now=now,
                             business_date=business_date_set)  # fmt: skip
        verified_clean()

"""The edges of lending's money paths: interest paid ahead and then cut short, restructurings,
a disbursement later than the signing, the system's own idempotency keys, the auto-debit
beside the customer's own repayment, the close of business beside a repayment on PostgreSQL,
and applying again after a write-off."""

from datetime import timedelta
from decimal import Decimal

import pytest

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide
from hujin.lending import types as t
from hujin.lending.errors import LoanNotFound
from hujin.lending.models import LoanEvent
from hujin.lending.permissions import MANAGE_LOANS
from hujin.lending.services import (
    loan_prepay,
    loan_repay,
    recovery_receive,
    restructure_request,
)
from tests.lending.conftest import customer_actor
from tests.lending.flow import apply, current, disbursed, verified_clean, wallet_of
from tests.payments.money import wallet

D = timedelta(days=1)
ANALYST = Actor(kind="staff", id="701", label="analyst", scopes=frozenset({MANAGE_LOANS}))
CHECKER = Actor(kind="staff", id="702", label="checker", scopes=frozenset({MANAGE_LOANS}))
NOBODY = Actor(kind="staff", id="703", label="no permissions", scopes=frozenset())


def _loan(borrower, product, now, business_date, *, amount=1_200_000, term=12, balance=1_000_000):
    user = borrower(balance=balance)
    application = apply(user, product, now, business_date, amount=amount, term=term)
    assert application.state == t.APP_APPROVED, (application.score, application.hard_rules)
    loan = disbursed(user, application, now, business_date)
    loan.user = user
    return loan


class TestRestructuringABulletLoan:
    def test_is_refused_a_single_payment_is_extended_by_a_new_contract(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.lending.errors import LoanStateInvalid

        product = loan_product(method=t.BULLET, min_term=1, max_term=12)
        loan = _loan(borrower, product, now, business_date_set, term=6)
        with pytest.raises(LoanStateInvalid):
            restructure_request(actor=ANALYST, loan_id=loan.id, new_term=6, reason="hardship",
                                now=now)  # fmt: skip


class TestPrepaymentAfterInterestPaidAhead:
    """A customer pays part of the running instalment early (its interest first, by the
    product's order), then prepays: the interest already paid for days not yet run is neither
    credited back nor taken off the new schedule."""

    def _paid_ahead(self, borrower, loan_product, now, business_date):
        loan = _loan(borrower, loan_product(), now, business_date)
        first = current(loan)[0]
        loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                   amount_minor=first.interest_minor + 1_000, idempotency_key="ahead", now=now,
                   business_date=first.period_start + 5 * D)  # fmt: skip
        return loan, first

    def test_in_part_charges_the_running_period_no_more_than_the_old_schedule_did(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan, first = self._paid_ahead(borrower, loan_product, now, business_date_set)
        loan_prepay(actor=customer_actor(loan.user), loan_id=loan.id, idempotency_key="p1",
                    principal_minor=500_000, choice=t.PREPAY_REDUCE_INSTALMENT, now=now,
                    business_date=first.period_start + 10 * D)  # fmt: skip

        rows = current(loan)
        running = [r for r in rows if r.period_start < first.due_date
                   and r.due_date <= first.due_date]  # fmt: skip
        charged = sum(r.interest_minor for r in running)
        # 10 days on 12,000.00 and 20 days on less than 7,000.00 cost less than the month on
        # 12,000.00 the old schedule charged.
        assert charged < first.interest_minor, (charged, first.interest_minor)
        verified_clean()

    def test_in_full_takes_the_interest_to_date_and_nothing_more(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan, first = self._paid_ahead(borrower, loan_product, now, business_date_set)
        ten_days = first.period_start + 10 * D
        days = (first.due_date - first.period_start).days
        to_date = round(Decimal(first.interest_minor) * 10 / days)

        loan_prepay(actor=customer_actor(loan.user), loan_id=loan.id, idempotency_key="p1",
                    now=now, business_date=ten_days)  # fmt: skip

        loan.refresh_from_db()
        assert loan.state == t.LOAN_SETTLED
        assert loan.interest_paid_minor == to_date, (loan.interest_paid_minor, to_date)


class TestIdempotencyKeys:
    def test_a_repayment_key_never_answers_another_kind_of_event(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan = _loan(borrower, loan_product(), now, business_date_set)
        before = wallet(wallet_of(loan.user))["balance"]
        event = loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                           amount_minor=10_000, idempotency_key="disbursement", now=now,
                           business_date=business_date_set)  # fmt: skip
        assert event.kind == "repayment"
        assert wallet(wallet_of(loan.user))["balance"] == before - 10_000

    def test_a_customers_key_cannot_stand_in_for_the_auto_debit(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.lending.cob_collect import dues_collect

        loan = _loan(borrower, loan_product(), now, business_date_set)
        first = current(loan)[0]
        loan_repay(actor=customer_actor(loan.user), loan_id=loan.id, amount_minor=1,
                   idempotency_key=f"auto:{first.due_date}", now=now,
                   business_date=business_date_set)  # fmt: skip

        dues_collect(business_date=first.due_date, now=now)

        assert current(loan)[0].paid_on == first.due_date  # the wallet holds plenty


class TestWhoMayMoveABorrowersMoney:
    def test_a_staff_member_without_permission_cannot_repay_from_the_wallet(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.core.errors import PermissionDenied

        loan = _loan(borrower, loan_product(), now, business_date_set)
        with pytest.raises(PermissionDenied):
            loan_repay(actor=NOBODY, loan_id=loan.id, amount_minor=10_000,
                       idempotency_key="staff", now=now,
                       business_date=business_date_set)  # fmt: skip

    def test_a_staff_member_without_permission_cannot_prepay_from_the_wallet(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.core.errors import PermissionDenied

        loan = _loan(borrower, loan_product(), now, business_date_set)
        with pytest.raises(PermissionDenied):
            loan_prepay(actor=NOBODY, loan_id=loan.id, idempotency_key="staff",
                        principal_minor=100_000, now=now,
                        business_date=business_date_set + 5 * D)  # fmt: skip


class TestRecoveries:
    def test_a_customer_cannot_read_another_customers_loan_event_by_its_key(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan = _loan(borrower, loan_product(), now, business_date_set)
        stranger = borrower(balance=1_000)
        with pytest.raises(LoanNotFound):
            recovery_receive(actor=customer_actor(stranger), loan_id=loan.id, amount_minor=1,
                             idempotency_key="disbursement", now=now,
                             business_date=business_date_set)  # fmt: skip

    def test_a_staff_member_without_permission_cannot_record_a_recovery(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.core.errors import PermissionDenied
        from hujin.lending.overdue import status_update
        from hujin.lending.services import write_off_request
        from tests.lending.flow import drain

        loan = _loan(borrower, loan_product(), now, business_date_set)
        drain(loan.user, leave=50_000, now=now, business_date=business_date_set)
        status_update(business_date=current(loan)[0].due_date + 361 * D)
        request = write_off_request(actor=ANALYST, loan_id=loan.id, reason="gone", now=now)
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)
        with pytest.raises(PermissionDenied):
            recovery_receive(actor=NOBODY, loan_id=loan.id, amount_minor=50_000,
                             idempotency_key="r1", now=now,
                             business_date=business_date_set)  # fmt: skip
        assert not LoanEvent.objects.filter(loan=loan, kind="recovery").exists()


def _move_business_date(to_date, now) -> None:
    from hujin.core.actors import system_actor
    from hujin.core.dates import business_date_set

    business_date_set(to_date=to_date, actor=system_actor("cob"), now=now)


class TestRestructuringInterestAndClass:
    def test_interest_paid_ahead_is_not_charged_again_on_the_new_schedule(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan = _loan(borrower, loan_product(), now, business_date_set)
        first = current(loan)[0]
        loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                   amount_minor=first.interest_minor + 1_000, idempotency_key="ahead", now=now,
                   business_date=first.period_start + 5 * D)  # fmt: skip
        _move_business_date(first.period_start + 10 * D, now)
        request = restructure_request(actor=ANALYST, loan_id=loan.id, new_term=12,
                                      reason="hardship", now=now)  # fmt: skip
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)

        rows = current(loan)
        # The arrears (interest to date, here the month already paid) and the first new
        # instalment, from today to its due date, together cover the old first period.
        arrears = [r for r in rows if r.principal_minor == 0]
        new_first = next(r for r in rows if r.principal_minor)
        assert new_first.due_date == first.due_date
        charged = sum(r.interest_minor for r in arrears) + new_first.interest_minor
        # On about the same principal the period cannot cost much more than it did
        # (act/365 on a 31-day month is a little above a twelfth of a year).
        assert charged <= first.interest_minor * 11 // 10, (charged, first.interest_minor)

    def test_a_non_performing_loan_is_not_upgraded_by_its_restructuring(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.lending.overdue import status_update
        from tests.lending.flow import drain

        loan = _loan(borrower, loan_product(), now, business_date_set)
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        day = current(loan)[0].due_date + 100 * D
        _move_business_date(day, now)
        status_update(business_date=day)
        loan.refresh_from_db()
        assert loan.classification == "substandard"

        request = restructure_request(actor=ANALYST, loan_id=loan.id, new_term=24,
                                      reason="hardship", now=now)  # fmt: skip
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)
        status_update(business_date=day + D)

        loan.refresh_from_db()
        assert loan.classification in ("substandard", "doubtful", "loss"), loan.classification


class TestDisbursementAfterSigning:
    def test_the_schedule_collected_is_the_one_in_the_signed_contract(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.lending.accounts import ACTOR
        from hujin.lending.services import loan_disburse
        from tests.lending.flow import sign

        user = borrower(balance=1_000_000)
        application = apply(user, loan_product(), now, business_date_set, amount=1_200_000,
                            repayment_day=20)  # fmt: skip
        loan = sign(user, application, now, business_date_set)
        # The lender's funds fall short for ten days; the close of business then pays it out.
        loan = loan_disburse(actor=ACTOR, loan_id=loan.id, now=now,
                             business_date=business_date_set + 10 * D)  # fmt: skip

        # The contract says the term runs from the day the money is paid out: the schedule
        # starts then, at the signed rate and fees, its APR under the cap.
        assert "the term runs from the day it is actually paid out" in loan.contract_text or (
            "借款期限自实际放款日起算" in loan.contract_text
        )
        first = current(loan)[0]
        assert first.period_start == business_date_set + 10 * D
        loan.refresh_from_db()
        assert loan.apr <= Decimal("0.24")


class TestAutoDebitBesideTheCustomersOwnRepayment:
    def test_takes_only_what_is_due_when_the_customer_paid_it_meanwhile(
        self, borrower, loan_product, champion, funded, now, business_date_set, monkeypatch
    ):
        import hujin.lending.cob_collect as collecting
        from hujin.lending.cob_collect import dues_collect

        loan = _loan(borrower, loan_product(), now, business_date_set)
        first = current(loan)[0]
        due = first.principal_minor + first.interest_minor + first.fee_minor
        read = collecting.wallet_available

        def customer_pays_meanwhile(wallet_id):
            # Another app server: the customer repays the instalment between the auto-debit's
            # reading of what is due and its lock on the loan.
            loan_repay(actor=customer_actor(loan.user), loan_id=loan.id, amount_minor=due,
                       idempotency_key="own", now=now, business_date=first.due_date)  # fmt: skip
            return read(wallet_id)

        monkeypatch.setattr(collecting, "wallet_available", customer_pays_meanwhile)
        dues_collect(business_date=first.due_date, now=now)

        second = current(loan)[1]
        assert second.principal_paid_minor + second.interest_paid_minor == 0


def _a_lock_is_awaited() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")  # fmt: skip
        return cursor.fetchone()[0] > 0


def _while_the_close_of_business_reads(monkeypatch, step, customer) -> list:
    """Run ``step`` (an accrual) and ``customer`` on two connections, the customer's call made
    and committed after the step has read its lines and before it posts them (the window
    between the step's INSERT ... SELECT and the fan-in's locks). Returns the failures."""
    import threading

    from django.db import connections

    import hujin.lending.cob_accrual as accrual

    lines_read, done = threading.Event(), threading.Event()
    fan_in = accrual.transfers_fan_in

    def fan_in_after_the_customer(**kwargs):
        # Let the customer's call in: it either finishes (nothing held it) or waits for a row
        # the close of business holds; either way the step then goes on.
        lines_read.set()
        for _ in range(6000):
            if done.wait(timeout=0.01) or _a_lock_is_awaited():
                break
        return fan_in(**kwargs)

    monkeypatch.setattr(accrual, "transfers_fan_in", fan_in_after_the_customer)
    failures = []

    def close_of_business():
        try:
            step()
        except Exception as exc:  # named by the caller's assertion
            failures.append(exc)
        finally:
            lines_read.set()
            connections.close_all()

    def meanwhile():
        try:
            assert lines_read.wait(timeout=60)
            customer()
        except Exception as exc:
            failures.append(exc)
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=close_of_business), threading.Thread(target=meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestAccrualBesideARepaymentOnPostgres:
    def test_interest_paid_while_the_close_of_business_accrues_does_not_fail_the_step(
        self, borrower, loan_product, champion, funded, now, business_date_set, monkeypatch
    ):
        from hujin.lending.cob_accrual import interest_accrue

        loan = _loan(borrower, loan_product(), now, business_date_set)
        first = current(loan)[0]
        day = first.period_start + 10 * D

        failures = _while_the_close_of_business_reads(
            monkeypatch,
            lambda: interest_accrue(business_date=day, now=now),
            lambda: loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                               amount_minor=first.interest_minor, idempotency_key="ahead",
                               now=now, business_date=day),
        )  # fmt: skip

        assert failures == []
        row = current(loan)[0]
        assert row.interest_recognised_minor == row.interest_minor
        verified_clean()

    def test_a_loan_paid_off_while_the_close_of_business_accrues_penalty_owes_nothing(
        self, borrower, loan_product, champion, funded, now, business_date_set, monkeypatch
    ):
        from hujin.lending.cob_accrual import penalty_accrue
        from tests.lending.flow import loan_balances

        product = loan_product(method=t.BULLET, min_term=1, max_term=12)
        loan = _loan(borrower, product, now, business_date_set, term=1)
        [row] = current(loan)
        day = row.due_date + 10 * D
        owed = row.principal_minor + row.interest_minor + row.fee_minor

        failures = _while_the_close_of_business_reads(
            monkeypatch,
            lambda: penalty_accrue(business_date=day, now=now),
            lambda: loan_repay(actor=customer_actor(loan.user), loan_id=loan.id,
                               amount_minor=owed, idempotency_key="all", now=now,
                               business_date=day),
        )  # fmt: skip

        assert failures == []
        loan.refresh_from_db()
        # The repayment waited for the step: the day's penalty came first and took its share
        # of the money (penalty first); the schedule and the ledger agree on what is owed.
        owed_penalty = sum(r.penalty_minor - r.penalty_paid_minor for r in current(loan))
        assert loan_balances(loan)["penalty"] == owed_penalty
        assert (loan.state == t.LOAN_SETTLED) == all(r.paid_on for r in current(loan))
        verified_clean()


class TestApplyingAgainAfterAWriteOff:
    def test_a_loan_written_off_unpaid_counts_as_existing_overdue(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.lending.decision import EXISTING_OVERDUE
        from hujin.lending.overdue import status_update
        from hujin.lending.services import write_off_request
        from tests.lending.flow import drain

        product = loan_product()
        loan = _loan(borrower, product, now, business_date_set)
        drain(loan.user, leave=0, now=now, business_date=business_date_set)
        status_update(business_date=current(loan)[0].due_date + 361 * D)
        request = write_off_request(actor=ANALYST, loan_id=loan.id, reason="gone", now=now)
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)
        loan.refresh_from_db()
        assert loan.state == t.LOAN_WRITTEN_OFF

        again = apply(loan.user, product, now, business_date_set, amount=1_000_000, key="a2")

        assert EXISTING_OVERDUE in again.hard_rules, (again.state, again.hard_rules)

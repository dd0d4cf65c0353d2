"""Defects found reviewing the money paths of lending, each shown by a test that fails until it
is fixed (``xfail(strict=True)``: fixing one turns its test into an unexpected pass)."""

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
    @pytest.mark.xfail(strict=True, reason="a restructured monthly bullet loan charges a whole "
                       "term's interest on every new instalment")  # fmt: skip
    def test_charges_no_more_interest_than_the_new_term_at_the_loans_rate(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        product = loan_product(method=t.BULLET, min_term=1, max_term=12)
        loan = _loan(borrower, product, now, business_date_set, term=6)
        request = restructure_request(actor=ANALYST, loan_id=loan.id, new_term=6,
                                      reason="hardship", now=now)  # fmt: skip
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)

        rows = current(loan)
        interest = sum(r.interest_minor for r in rows)
        # Six months (and a few days of a first broken period) on 12,000.00: at most 7/12 of
        # a year's interest.
        most = loan.principal_minor * loan.annual_rate * 7 / 12
        assert interest <= most, (interest, most, [(r.due_date, r.interest_minor) for r in rows])


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

    @pytest.mark.xfail(strict=True, reason="a partial prepayment charges the running period's "
                       "interest twice: the full month already paid and again on the new "
                       "schedule")  # fmt: skip
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

    @pytest.mark.xfail(strict=True, reason="a full prepayment keeps interest paid ahead for "
                       "days after the prepayment date")  # fmt: skip
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
    @pytest.mark.xfail(strict=True, reason="a repayment keyed 'disbursement' answers the "
                       "disbursement event and repays nothing")  # fmt: skip
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

    @pytest.mark.xfail(strict=True, reason="a portal repayment keyed 'auto:<date>' makes the "
                       "close of business skip that date's auto-debit")  # fmt: skip
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
    @pytest.mark.xfail(strict=True, reason="loan_repay lets any staff actor, with no "
                       "permission, debit a borrower's wallet")  # fmt: skip
    def test_a_staff_member_without_permission_cannot_repay_from_the_wallet(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.core.errors import PermissionDenied

        loan = _loan(borrower, loan_product(), now, business_date_set)
        with pytest.raises(PermissionDenied):
            loan_repay(actor=NOBODY, loan_id=loan.id, amount_minor=10_000,
                       idempotency_key="staff", now=now,
                       business_date=business_date_set)  # fmt: skip

    @pytest.mark.xfail(strict=True, reason="loan_prepay lets any staff actor, with no "
                       "permission, prepay (and charge the fee) from a borrower's wallet")  # fmt: skip
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
    @pytest.mark.xfail(strict=True, reason="recovery_receive answers a key's event before "
                       "checking the customer owns the loan")  # fmt: skip
    def test_a_customer_cannot_read_another_customers_loan_event_by_its_key(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        loan = _loan(borrower, loan_product(), now, business_date_set)
        stranger = borrower(balance=1_000)
        with pytest.raises(LoanNotFound):
            recovery_receive(actor=customer_actor(stranger), loan_id=loan.id, amount_minor=1,
                             idempotency_key="disbursement", now=now,
                             business_date=business_date_set)  # fmt: skip

    @pytest.mark.xfail(strict=True, reason="recovery_receive lets any staff actor, with no "
                       "permission, debit a borrower's wallet")  # fmt: skip
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
    @pytest.mark.xfail(strict=True, reason="a restructuring charges the running period's "
                       "interest twice when part of it was paid ahead")  # fmt: skip
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
        new_first = [r for r in rows if r.principal_minor][0]
        assert new_first.due_date == first.due_date
        charged = sum(r.interest_minor for r in arrears) + new_first.interest_minor
        # On about the same principal the period cannot cost much more than it did
        # (act/365 on a 31-day month is a little above a twelfth of a year).
        assert charged <= first.interest_minor * 11 // 10, (charged, first.interest_minor)

    @pytest.mark.xfail(strict=True, reason="a restructuring lifts a non-performing loan to "
                       "special mention at the next close of business")  # fmt: skip
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
    @pytest.mark.xfail(strict=True, reason="a disbursement on a later business date writes a "
                       "schedule (and APR) other than the one the customer signed")  # fmt: skip
    def test_the_schedule_collected_is_the_one_in_the_signed_contract(
        self, borrower, loan_product, champion, funded, now, business_date_set
    ):
        from hujin.core.money import display_amount
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

        first = current(loan)[0]
        total = first.principal_minor + first.interest_minor + first.fee_minor
        assert display_amount(total, "CNY") in loan.contract_text, (
            display_amount(total, "CNY"), loan.contract_text)  # fmt: skip


class TestAutoDebitBesideTheCustomersOwnRepayment:
    @pytest.mark.xfail(strict=True, reason="the auto-debit reads what is due before locking the "
                       "loan, so beside a customer's repayment it pays instalments not yet "
                       "due")  # fmt: skip
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

"""A loan from application to the last repayment, through the services: the decision, the
contract, the disbursement into the wallet and the repayments, with the ledger and the schedule
agreeing after every step."""

from datetime import timedelta

import pytest

from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.errors import (
    ConfirmationRequired,
    ContractChanged,
    FundingExhausted,
    InsufficientFunds,
    OfferExpired,
    RepaymentInvalid,
)
from hujin.lending.models import LoanEvent
from hujin.lending.services import (
    contract_preview,
    loan_disburse,
    loan_prepay,
    loan_repay,
    loan_sign,
    sign_code_send,
)
from tests.lending.conftest import customer_actor
from tests.lending.flow import (
    apply,
    current,
    disbursed,
    drain,
    funding_left,
    loan_balances,
    sign,
    texted_code,
    verified_clean,
    wallet_of,
)
from tests.payments.money import wallet

D = timedelta(days=1)
PRINCIPAL = 1_500_000


@pytest.fixture
def approved(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=2_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=PRINCIPAL)
    assert application.state == t.APP_APPROVED, (application.score, application.hard_rules)
    assert application.offer_amount_minor == PRINCIPAL
    return user, application


class TestTheContract:
    def test_names_the_apr_the_cost_and_the_schedule_with_the_borrower_masked(
        self, approved, now, business_date_set
    ):
        user, application = approved
        text, digest, plan = contract_preview(
            actor=customer_actor(user), application_id=application.id, language="zh-hans",
            now=now, business_date=business_date_set,
        )  # fmt: skip
        assert "张*" in text and "张三" not in text
        assert "中国人民银行公告〔2021〕第3号" in text
        assert f"{plan.apr * 100:.2f}%" in text
        assert len(plan.instalments) == 12 and text.count("\n  ") == 12
        assert len(digest) == 64

    def test_is_signed_only_with_the_code_texted_for_that_very_text(
        self, approved, now, business_date_set
    ):
        user, application = approved
        actor = customer_actor(user)
        _, digest, _ = contract_preview(actor=actor, application_id=application.id,
                                        language="en", now=now,
                                        business_date=business_date_set)  # fmt: skip
        with pytest.raises(ConfirmationRequired):
            loan_sign(actor=actor, application_id=application.id, contract_sha256=digest,
                      method="sms", code="", language="en", now=now,
                      business_date=business_date_set)  # fmt: skip
        sign_code_send(actor=actor, application_id=application.id, contract_sha256="0" * 64,
                       ip=None, now=now)  # fmt: skip
        with pytest.raises(ConfirmationRequired):  # a code bound to another text
            loan_sign(actor=actor, application_id=application.id, contract_sha256=digest,
                      method="sms", code=texted_code(), language="en", now=now,
                      business_date=business_date_set)  # fmt: skip
        with pytest.raises(ContractChanged):
            loan_sign(actor=actor, application_id=application.id, contract_sha256="1" * 64,
                      method="sms", code="123456", language="en", now=now,
                      business_date=business_date_set)  # fmt: skip

    def test_an_offer_past_its_time_cannot_be_signed(self, approved, now, business_date_set):
        user, application = approved
        with pytest.raises(OfferExpired):
            sign(user, application, now + timedelta(hours=73), business_date_set)


class TestDisbursement:
    def test_pays_the_principal_into_the_wallet_from_the_lenders_funds(
        self, approved, now, business_date_set
    ):
        user, application = approved
        before = funding_left()
        loan = disbursed(user, application, now, business_date_set)

        assert loan.state == t.LOAN_ACTIVE
        assert wallet(wallet_of(user))["balance"] == 2_000_000 + PRINCIPAL
        assert funding_left() == before - PRINCIPAL
        assert loan_balances(loan) == {"principal": PRINCIPAL, "interest": 0, "penalty": 0}
        rows = current(loan)
        assert sum(r.principal_minor for r in rows) == PRINCIPAL
        assert rows[0].due_date == business_date_set.replace(month=business_date_set.month + 1)
        assert verified_clean() == 1

    def test_twice_is_once(self, approved, now, business_date_set):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        again = loan_disburse(actor=ACTOR, loan_id=loan.id, now=now,
                              business_date=business_date_set)  # fmt: skip
        assert again.id == loan.id
        assert wallet(wallet_of(user))["balance"] == (2_000_000 + PRINCIPAL)
        assert LoanEvent.objects.filter(loan=loan, kind="disbursement").count() == 1

    def test_beyond_the_lenders_funds_waits_with_the_loan_signed(
        self, borrower, loan_product, champion, now, business_date_set
    ):
        from hujin.lending.services import funding_add
        from tests.lending.conftest import OPERATIONS

        funding_add(actor=OPERATIONS, amount_minor=1_000_000, reference="small", now=now,
                    business_date=business_date_set)  # fmt: skip
        user = borrower(balance=2_000_000)
        application = apply(user, loan_product(), now, business_date_set)
        loan = sign(user, application, now, business_date_set)
        with pytest.raises(FundingExhausted):
            loan_disburse(actor=ACTOR, loan_id=loan.id, now=now, business_date=business_date_set)
        loan.refresh_from_db()
        assert loan.state == t.LOAN_SIGNED and current(loan) == []
        assert funding_left() == 1_000_000


class TestRepayment:
    def test_the_first_instalment_on_its_due_date_pays_its_interest_then_principal(
        self, approved, now, business_date_set
    ):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        first = current(loan)[0]
        due = first.principal_minor + first.interest_minor + first.fee_minor

        loan_repay(actor=customer_actor(user), loan_id=loan.id, amount_minor=due,
                   idempotency_key="r1", now=now, business_date=first.due_date)  # fmt: skip

        first, second = current(loan)[:2]
        assert first.paid_on == first.due_date
        assert second.principal_paid_minor == 0
        assert loan_balances(loan)["principal"] == PRINCIPAL - first.principal_minor
        assert loan_balances(loan)["interest"] == 0  # recognised and collected at once
        verified_clean()

    def test_a_part_payment_pays_the_products_order_within_the_instalment(
        self, approved, now, business_date_set
    ):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        first = current(loan)[0]

        event = loan_repay(actor=customer_actor(user), loan_id=loan.id,
                           amount_minor=first.interest_minor + 100, idempotency_key="r1",
                           now=now, business_date=first.due_date)  # fmt: skip

        assert event.allocation == [[1, "interest", first.interest_minor], [1, "principal", 100]]
        first = current(loan)[0]
        assert first.paid_on is None and first.principal_paid_minor == 100
        verified_clean()

    def test_the_same_key_again_is_the_same_repayment(self, approved, now, business_date_set):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        for _ in range(2):
            loan_repay(actor=customer_actor(user), loan_id=loan.id, amount_minor=10_000,
                       idempotency_key="same", now=now,
                       business_date=business_date_set)  # fmt: skip
        assert LoanEvent.objects.filter(loan=loan, kind="repayment").count() == 1
        assert wallet(wallet_of(user))["balance"] == (2_000_000 + PRINCIPAL) - 10_000

    def test_more_than_is_owed_or_than_the_wallet_holds_is_refused_and_moves_nothing(
        self, approved, now, business_date_set
    ):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        owed = sum(r.principal_minor + r.interest_minor + r.fee_minor for r in current(loan))
        with pytest.raises(RepaymentInvalid):
            loan_repay(actor=customer_actor(user), loan_id=loan.id, amount_minor=owed + 1,
                       idempotency_key="too-much", now=now,
                       business_date=business_date_set)  # fmt: skip
        drain(user, leave=10, now=now, business_date=business_date_set)
        with pytest.raises(InsufficientFunds):
            loan_repay(actor=customer_actor(user), loan_id=loan.id, amount_minor=11,
                       idempotency_key="poor", now=now,
                       business_date=business_date_set)  # fmt: skip
        assert LoanEvent.objects.filter(loan=loan, kind="repayment").count() == 0
        verified_clean()

    def test_every_instalment_paid_settles_the_loan(self, approved, now, business_date_set):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        for row in current(loan):
            due = row.principal_minor + row.interest_minor + row.fee_minor
            loan_repay(actor=customer_actor(user), loan_id=loan.id, amount_minor=due,
                       idempotency_key=f"r{row.number}", now=now,
                       business_date=row.due_date)  # fmt: skip
        loan.refresh_from_db()
        assert loan.state == t.LOAN_SETTLED
        assert loan_balances(loan) == {"principal": 0, "interest": 0, "penalty": 0}
        verified_clean()


class TestPrepayment:
    def test_in_full_pays_the_principal_the_interest_to_date_and_nothing_more(
        self, approved, now, business_date_set
    ):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        first = current(loan)[0]
        ten_days = first.period_start + 10 * D
        days = (first.due_date - first.period_start).days
        expected_interest = round(first.interest_minor * 10 / days)

        event = loan_prepay(actor=customer_actor(user), loan_id=loan.id,
                            idempotency_key="p1", now=now, business_date=ten_days)  # fmt: skip

        assert event.amount_minor == PRINCIPAL + expected_interest
        loan.refresh_from_db()
        assert loan.state == t.LOAN_SETTLED and loan.settled_on == ten_days
        assert loan_balances(loan) == {"principal": 0, "interest": 0, "penalty": 0}
        verified_clean()

    @pytest.mark.parametrize("choice", [t.PREPAY_REDUCE_INSTALMENT, t.PREPAY_SHORTEN_TERM])
    def test_in_part_lowers_the_instalments_or_shortens_the_term(
        self, approved, now, business_date_set, choice
    ):
        user, application = approved
        loan = disbursed(user, application, now, business_date_set)
        before = current(loan)
        first_due = before[0].due_date

        loan_prepay(actor=customer_actor(user), loan_id=loan.id, idempotency_key="p1",
                    principal_minor=500_000, choice=choice, now=now,
                    business_date=first_due - 5 * D)  # fmt: skip

        after = [r for r in current(loan) if r.paid_on is None]
        assert sum(r.principal_minor for r in after) == PRINCIPAL - 500_000
        assert after[0].due_date == first_due
        if choice == t.PREPAY_REDUCE_INSTALMENT:
            assert len(after) == 12
            assert after[1].principal_minor + after[1].interest_minor < (
                before[1].principal_minor + before[1].interest_minor
            )
        else:
            assert len(after) < 12
        verified_clean()

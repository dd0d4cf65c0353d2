"""Customer status: freeze and unfreeze through maker-checker; close only at zero balances."""

import uuid

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.approvals import MakerCannotCheck, approval_decide
from hujin.core.models import AuditEntry
from hujin.customers.errors import (
    BalancesNotZero,
    CustomerClosed,
    NotPermitted,
    ReasonRequired,
    StatusUnchanged,
)
from hujin.customers.models import Customer
from hujin.customers.selectors import customer_may_send
from hujin.customers.services import kyc_submit
from hujin.customers.services.status import (
    CUSTOMER_FREEZE_REASON,
    customer_close,
    customer_freeze_request,
)
from hujin.customers.services.wallet import wallet_open_if_ready
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, AccountDebitFreeze
from hujin.ledger.services import account_create, account_debits_freeze, transfers_create
from hujin.ledger.types import TransferRequest
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(customer_user, now, simulated_provider, consents):
    consents.outstanding = []
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id(),
        legal_name="赵六",
        actor=actor_for(customer_user),
        now=now,
    )
    customer = Customer.objects.get(user=customer_user)
    wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
    customer.refresh_from_db()
    return customer


def freeze(customer, actor, now, *, freeze=True, reason="suspicious activity"):
    return customer_freeze_request(
        customer_id=customer.id, freeze=freeze, reason=reason, actor=actor, now=now
    )


class TestFreeze:
    def test_takes_effect_only_when_a_second_officer_approves(
        self, customer, officer, second_officer, now
    ):
        request = freeze(customer, officer, now)
        customer.refresh_from_db()
        assert customer.status == "active"
        assert customer_may_send(customer_id=customer.id)

        approval_decide(
            actor=second_officer, request_id=request.id, approve=True, reason="ok", now=now
        )

        customer.refresh_from_db()
        assert customer.status == "frozen"
        assert customer.status_reason == "suspicious activity"
        assert not customer_may_send(customer_id=customer.id)

    def test_the_maker_cannot_approve_their_own_request(self, customer, officer, now):
        request = freeze(customer, officer, now)

        with pytest.raises(MakerCannotCheck):
            approval_decide(
                actor=officer, request_id=request.id, approve=True, reason="ok", now=now
            )

    def test_unfreeze_goes_through_the_same_checker(self, customer, officer, second_officer, now):
        approval_decide(
            actor=second_officer,
            request_id=freeze(customer, officer, now).id,
            approve=True,
            reason="ok",
            now=now,
        )
        request = freeze(customer, officer, now, freeze=False, reason="cleared")

        approval_decide(
            actor=second_officer, request_id=request.id, approve=True, reason="ok", now=now
        )

        customer.refresh_from_db()
        assert customer.status == "active"
        assert customer_may_send(customer_id=customer.id)

    def test_asking_needs_the_request_permission_and_a_reason(self, customer, clerk, officer, now):
        with pytest.raises(NotPermitted):
            freeze(customer, clerk, now)
        with pytest.raises(ReasonRequired):
            freeze(customer, officer, now, reason=" ")

    def test_freezing_a_frozen_customer_is_refused(self, customer, officer, second_officer, now):
        approval_decide(
            actor=second_officer,
            request_id=freeze(customer, officer, now).id,
            approve=True,
            reason="ok",
            now=now,
        )

        with pytest.raises(StatusUnchanged):
            freeze(customer, officer, now)

    def test_a_rejected_request_changes_nothing(self, customer, officer, second_officer, now):
        request = freeze(customer, officer, now)

        approval_decide(
            actor=second_officer,
            request_id=request.id,
            approve=False,
            reason="not enough evidence",
            now=now,
        )

        customer.refresh_from_db()
        assert customer.status == "active"


def approved(customer, officer, second_officer, now, *, freeze=True):
    request = customer_freeze_request(
        customer_id=customer.id,
        freeze=freeze,
        reason="suspicious activity" if freeze else "cleared",
        actor=officer,
        now=now,
    )
    approval_decide(actor=second_officer, request_id=request.id, approve=True, reason="ok", now=now)
    return request


def pay(customer, funding, now, business_date, *, out: bool) -> str:
    """Move 1.00 out of (``out``) or into the customer's wallet; the ledger's result code."""
    wallet = customer.wallet_account_id
    [result] = transfers_create(
        transfers=[
            TransferRequest(
                id=uuid.uuid4(),
                debit_account_id=wallet if out else funding,
                credit_account_id=funding if out else wallet,
                amount=100,
                code="p2p" if out else "topup",
            )
        ],
        actor=SYSTEM,
        now=now,
        business_date=business_date,
    )
    return result.result


class TestFreezeInTheLedger:
    @pytest.fixture
    def funding(self, customer, now, business_date):
        bank, _ = account_create(
            currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now
        )
        assert pay(customer, bank.id, now, business_date, out=False) == Result.OK
        return bank.id

    def test_a_frozen_customer_s_wallet_refuses_debits_whoever_sends_them(
        self, customer, funding, officer, second_officer, now, business_date
    ):
        approved(customer, officer, second_officer, now)

        assert Account.objects.get(id=customer.wallet_account_id).debits_frozen
        assert pay(customer, funding, now, business_date, out=True) == Result.DEBITS_FROZEN
        assert pay(customer, funding, now, business_date, out=False) == Result.OK

    def test_an_unfreeze_lets_debits_through_again(
        self, customer, funding, officer, second_officer, now, business_date
    ):
        approved(customer, officer, second_officer, now)

        approved(customer, officer, second_officer, now, freeze=False)

        assert not Account.objects.get(id=customer.wallet_account_id).debits_frozen
        assert pay(customer, funding, now, business_date, out=True) == Result.OK

    def test_an_unfreeze_lifts_only_the_customer_freeze_and_a_risk_freeze_stays(
        self, customer, funding, officer, second_officer, now, business_date
    ):
        wallet = customer.wallet_account_id
        account_debits_freeze(account_ids=[wallet], reason_code="risk.case:17", actor=SYSTEM,
                              now=now)  # fmt: skip
        approved(customer, officer, second_officer, now)

        approved(customer, officer, second_officer, now, freeze=False)

        reasons = AccountDebitFreeze.objects.filter(account_id=wallet)
        assert list(reasons.values_list("reason_code", flat=True)) == ["risk.case:17"]
        assert Account.objects.get(id=wallet).debits_frozen
        assert pay(customer, funding, now, business_date, out=True) == Result.DEBITS_FROZEN
        lift = AuditEntry.objects.get(action="ledger.account_debits_unfreeze")
        assert lift.after["reason_code"] == CUSTOMER_FREEZE_REASON == "customers.freeze"

    def test_the_ledger_audits_its_own_freeze_of_the_wallet_after_the_customer_s(
        self, customer, officer, second_officer, now
    ):
        approved(customer, officer, second_officer, now)

        customer_entry = AuditEntry.objects.get(action="customers.freeze")
        ledger_entry = AuditEntry.objects.get(action="ledger.account_debits_freeze")
        assert ledger_entry.chain == customer_entry.chain
        assert ledger_entry.position == customer_entry.position + 1
        assert ledger_entry.target_id == str(customer.wallet_account_id)
        assert ledger_entry.after["reason_code"] == "customers.freeze"

    def test_the_customer_and_the_ledger_freeze_are_one_transaction(
        self, customer, officer, second_officer, now, monkeypatch
    ):
        from hujin.customers.services import status

        def refuse(**kwargs):
            raise RuntimeError("the ledger is unavailable")

        monkeypatch.setattr(status, "account_debits_freeze", refuse)

        with pytest.raises(RuntimeError):
            approved(customer, officer, second_officer, now)

        customer.refresh_from_db()
        assert customer.status == "active"
        assert not Account.objects.get(id=customer.wallet_account_id).debits_frozen


class TestMaySend:
    def test_an_unverified_customer_may_not_send(self, customer_user, now):
        from hujin.customers.services import customer_ensure

        unverified = customer_ensure(user_id=customer_user.pk, actor=SYSTEM, now=now)

        assert not customer_may_send(customer_id=unverified.id)

    def test_an_unknown_customer_may_not_send(self, db):
        assert not customer_may_send(customer_id=uuid.uuid4())


class TestClose:
    def test_closes_the_customer_and_their_ledger_accounts_at_zero(self, customer, officer, now):
        closed = customer_close(
            customer_id=customer.id, reason="customer asked", actor=officer, now=now
        )

        assert closed.status == "closed"
        assert Account.objects.get(id=customer.wallet_account_id).closed
        assert not customer_may_send(customer_id=customer.id)

    def test_refused_while_money_is_on_the_wallet(self, customer, officer, now, business_date):
        funding, _ = account_create(
            currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now
        )
        transfers_create(
            transfers=[
                TransferRequest(
                    id=uuid.uuid4(),
                    kind="single",
                    debit_account_id=funding.id,
                    credit_account_id=customer.wallet_account_id,
                    amount=100,
                    currency="CNY",
                    code="topup",
                )
            ],
            actor=SYSTEM,
            now=now,
            business_date=business_date,
        )

        with pytest.raises(BalancesNotZero) as caught:
            customer_close(customer_id=customer.id, reason="asked", actor=officer, now=now)

        assert caught.value.details["accounts"] == [str(customer.wallet_account_id)]
        customer.refresh_from_db()
        assert customer.status == "active"
        assert not Account.objects.get(id=customer.wallet_account_id).closed

    def test_needs_the_close_permission_and_a_reason(self, customer, clerk, officer, now):
        with pytest.raises(NotPermitted):
            customer_close(customer_id=customer.id, reason="x", actor=clerk, now=now)
        with pytest.raises(ReasonRequired):
            customer_close(customer_id=customer.id, reason="", actor=officer, now=now)

    def test_a_closed_customer_stays_closed(self, customer, officer, now):
        customer_close(customer_id=customer.id, reason="asked", actor=officer, now=now)

        with pytest.raises(CustomerClosed):
            customer_close(customer_id=customer.id, reason="again", actor=officer, now=now)
        with pytest.raises(CustomerClosed):
            freeze(customer, officer, now)

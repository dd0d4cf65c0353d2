"""Customers migration 0002 freezes the accounts of customers frozen before the ledger could, for
the customer freeze's reason, so a later customer unfreeze lifts it.

It runs after ledger 0009 (the reasons and their history) and writes what the freeze service
writes: the reason ``customers.freeze``, the flag and a history row, dated to the migration with
the highest transfer ``seq`` then, by the system actor ``migration``. Verify finds them in
agreement; going back lifts what it added.
"""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hujin.core.actors import SYSTEM
from hujin.core.approvals import approval_decide
from hujin.customers.models import Customer
from hujin.customers.services import customer_freeze_request, kyc_submit, wallet_open_if_ready
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, Transfer
from hujin.ledger.services import account_create, account_debits_freeze, transfers_create
from hujin.ledger.types import TransferRequest
from hujin.ledger.verify import ledger_verify
from tests.customers.conftest import actor_for, resident_id

BEFORE_THE_REASONS = ("ledger", "0008_history_append_only")
BEFORE_THIS = ("customers", "0001_initial")
REASON = "customers.freeze"
RISK = "risk.case:17"


def migrate_to(target) -> None:
    MigrationExecutor(connection).migrate([target])


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Today's code reads today's tables: every test ends at the latest state."""
    yield
    migrate_to_latest()


@pytest.fixture
def customer(transactional_db, customer_user, now, simulated_provider, consents):
    """A verified customer with a wallet holding 1.00."""
    consents.outstanding = []
    kyc_submit(user_id=customer_user.pk, document_type="resident_id",
               document_number=resident_id(), legal_name="赵六",
               actor=actor_for(customer_user), now=now)  # fmt: skip
    customer = Customer.objects.get(user=customer_user)
    wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
    customer.refresh_from_db()
    return customer


@pytest.fixture
def bank(customer, now, business_date):
    bank, _ = account_create(currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now)
    assert pay(customer, bank.id, now, business_date, out=False) == Result.OK
    return bank.id


def pay(customer, bank, now, business_date, *, out: bool) -> str:
    """Move 1.00 out of (``out``) or into the customer's wallet; the ledger's result code."""
    wallet = customer.wallet_account_id
    payment = TransferRequest(
        id=uuid.uuid4(), debit_account_id=wallet if out else bank,
        credit_account_id=bank if out else wallet, amount=100, code="p2p",
    )  # fmt: skip
    [result] = transfers_create(
        transfers=[payment], actor=SYSTEM, now=now, business_date=business_date
    )
    return result.result


def frozen_before_the_ledger_could(customer) -> None:
    """The customer as a freeze left it before ledger 0006: frozen, its accounts untouched."""
    Customer.objects.filter(id=customer.id).update(status="frozen", status_reason="fraud")


def status_change(customer, officer, second_officer, now, *, freeze: bool) -> None:
    request = customer_freeze_request(customer_id=customer.id, freeze=freeze, reason="r",
                                      actor=officer, now=now)  # fmt: skip
    approval_decide(actor=second_officer, request_id=request.id, approve=True, reason="ok",
                    now=now)  # fmt: skip


def reasons(account_id) -> list[tuple]:
    rows = AccountDebitFreeze.objects.filter(account_id=account_id).order_by("reason_code")
    return list(rows.values_list("reason_code", "transfers_seq", "actor_kind", "actor_id"))


def history(account_id) -> list[tuple]:
    rows = AccountDebitFreezeChange.objects.filter(account_id=account_id).order_by("id")
    return list(rows.values_list("reason_code", "frozen", "debits_frozen", "transfers_seq"))


def flag(account_id) -> bool:
    return Account.objects.values_list("debits_frozen", flat=True).get(id=account_id)


def highest_seq() -> int:
    return Transfer.objects.order_by("-seq").values_list("seq", flat=True).first()


@pytest.mark.django_db(transaction=True)
class TestFrozenCustomersAccounts:
    def test_get_the_customer_freeze_s_reason_with_its_history(
        self, customer, bank, now, business_date
    ):
        migrate_to(BEFORE_THE_REASONS)
        frozen_before_the_ledger_could(customer)
        assert pay(customer, bank, now, business_date, out=False) == Result.OK  # after the freeze
        seq = highest_seq()

        migrate_to_latest()

        wallet = customer.wallet_account_id
        assert flag(wallet)
        assert reasons(wallet) == [(REASON, seq, "system", "migration")]
        assert history(wallet) == [(REASON, True, True, seq)]
        assert pay(customer, bank, now, business_date, out=True) == Result.DEBITS_FROZEN
        assert ledger_verify().problems == []

    def test_are_unfrozen_by_the_customer_s_unfreeze(
        self, customer, bank, officer, second_officer, now, business_date
    ):
        migrate_to(BEFORE_THE_REASONS)
        frozen_before_the_ledger_could(customer)
        migrate_to_latest()

        status_change(customer, officer, second_officer, now, freeze=False)

        wallet = customer.wallet_account_id
        assert not flag(wallet) and reasons(wallet) == []
        assert pay(customer, bank, now, business_date, out=True) == Result.OK
        assert ledger_verify().problems == []

    def test_keep_a_risk_freeze_after_the_customer_s_unfreeze(
        self, customer, bank, officer, second_officer, now, business_date
    ):
        wallet = customer.wallet_account_id
        account_debits_freeze(account_ids=[wallet], reason_code=RISK, actor=SYSTEM, now=now)
        migrate_to(BEFORE_THE_REASONS)
        frozen_before_the_ledger_could(customer)
        migrate_to_latest()
        assert [r[0] for r in reasons(wallet)] == [REASON, RISK]

        status_change(customer, officer, second_officer, now, freeze=False)

        assert flag(wallet) and [r[0] for r in reasons(wallet)] == [RISK]
        assert pay(customer, bank, now, business_date, out=True) == Result.DEBITS_FROZEN
        assert ledger_verify().problems == []

    def test_of_a_customer_frozen_through_the_services_are_left_as_they_are(
        self, customer, officer, second_officer, now
    ):
        status_change(customer, officer, second_officer, now, freeze=True)
        wallet = customer.wallet_account_id
        before = (reasons(wallet), history(wallet))

        migrate_to(BEFORE_THIS)
        migrate_to_latest()

        assert (reasons(wallet), history(wallet)) == before
        assert reasons(wallet)[0][2:] == ("staff", second_officer.id)


@pytest.mark.django_db(transaction=True)
def test_going_back_lifts_the_reasons_it_added_and_leaves_the_customer_frozen(
    customer, bank, now, business_date
):
    migrate_to(BEFORE_THE_REASONS)
    frozen_before_the_ledger_could(customer)
    migrate_to_latest()
    seq = highest_seq()

    migrate_to(BEFORE_THIS)

    wallet = customer.wallet_account_id
    assert not flag(wallet) and reasons(wallet) == []
    assert history(wallet) == [(REASON, True, True, seq), (REASON, False, False, seq)]
    assert Customer.objects.get(id=customer.id).status == "frozen"
    assert ledger_verify().problems == []

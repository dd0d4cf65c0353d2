"""A customer's ledger accounts as customers shows them (Customer 360, the portal): read through
the ledger's selectors as the actor who asks, and the ledger decides what that actor may see."""

import uuid

import pytest

from hujin.core.actors import SYSTEM, Actor
from hujin.core.errors import PermissionDenied
from hujin.customers.models import Customer
from hujin.customers.permissions import REVIEW_KYC, VIEW_CUSTOMERS
from hujin.customers.selectors import accounts_of, customer_360, customer_id_for_user
from hujin.customers.services import kyc_submit, wallet_open_if_ready
from hujin.ledger import selectors as ledger_selectors
from hujin.ledger.errors import AccountNotFound
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

AGENT = Actor(kind="staff", id="agent", label="agent", scopes=frozenset({VIEW_CUSTOMERS}))


@pytest.fixture
def with_wallet(make_customer_user, now, simulated_provider, consents):
    consents.outstanding = []

    def make(mobile: str, sequence: str) -> Customer:
        user = make_customer_user(mobile)
        kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=resident_id("370102", "19820304", sequence),
            legal_name="欧阳娜娜",
            actor=actor_for(user),
            now=now,
        )
        customer = Customer.objects.get(user=user)
        wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
        customer.refresh_from_db()
        return customer

    return make


@pytest.fixture
def funded(with_wallet, now):
    """Alice's wallet holds 100.00 with 30.00 of it held by a pending withdrawal; Bob's is empty."""
    alice = with_wallet("+8613912345678", "357")
    bob = with_wallet("+8613912345679", "468")
    bank, _ = account_create(
        id=uuid.uuid4(), currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now
    )
    transfers_create(
        transfers=[
            TransferRequest(id=uuid.uuid4(), debit_account_id=bank.id,
                            credit_account_id=alice.wallet_account_id, amount=100_00,
                            currency="CNY", code="topup"),
            TransferRequest(id=uuid.uuid4(), kind="pending",
                            debit_account_id=alice.wallet_account_id, credit_account_id=bank.id,
                            amount=30_00, currency="CNY", code="withdrawal"),
        ],
        actor=SYSTEM,
        now=now,
        business_date=now.date(),
    )  # fmt: skip
    return alice, bob


@pytest.fixture
def house(now):
    """The house's own account, owned by no customer."""
    bank, _ = account_create(
        id=uuid.uuid4(), currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now
    )
    return bank


class TestAccountsOf:
    def test_shows_the_ledgers_posted_and_available_balances(self, funded):
        alice, _ = funded

        (line,) = accounts_of(actor=AGENT, customer_id=alice.id)

        assert line.id == alice.wallet_account_id
        assert (line.balance_minor, line.available_minor) == (100_00, 70_00)
        assert (line.balance, line.available) == ("100.00", "70.00")

    def test_shows_only_that_customers_accounts(self, funded):
        alice, bob = funded

        bobs = [line.id for line in accounts_of(actor=AGENT, customer_id=bob.id)]

        assert bobs == [bob.wallet_account_id] and alice.wallet_account_id not in bobs
        assert accounts_of(actor=AGENT, customer_id=uuid.uuid4()) == []

    def test_customer_360_shows_them_to_staff_without_ledger_permissions(self, funded, now):
        alice, _ = funded

        view = customer_360(actor=AGENT, customer_id=alice.id, reveal=False, now=now)

        assert [(a.id, a.available_minor) for a in view.accounts] == [
            (alice.wallet_account_id, 70_00)
        ]

    def test_a_customer_reads_their_own_accounts(self, funded):
        alice, _ = funded

        mine = accounts_of(actor=actor_for(alice.user), customer_id=alice.id)

        assert [(a.id, a.balance_minor) for a in mine] == [(alice.wallet_account_id, 100_00)]

    def test_a_customer_cannot_read_another_customers_accounts(self, funded):
        alice, bob = funded

        assert accounts_of(actor=actor_for(bob.user), customer_id=alice.id) == []
        with pytest.raises(AccountNotFound):
            ledger_selectors.account_get(
                actor=actor_for(bob.user), account_id=alice.wallet_account_id
            )

    def test_staff_who_may_not_view_customers_are_refused(self, funded):
        alice, _ = funded
        reviewer = Actor(kind="staff", id="reviewer", scopes=frozenset({REVIEW_KYC}))

        with pytest.raises(PermissionDenied):
            accounts_of(actor=reviewer, customer_id=alice.id)

    def test_a_caller_without_an_actor_cannot_read_them(self, funded):
        alice, _ = funded

        with pytest.raises(TypeError):
            accounts_of(customer_id=alice.id)  # type: ignore[call-arg]
        with pytest.raises(PermissionDenied):
            accounts_of(actor=None, customer_id=alice.id)  # type: ignore[arg-type]


class TestCustomerServiceInTheLedger:
    """Staff who may view customers read customers' accounts in the ledger as themselves:
    every customer's, none of the house's, and not the ledger as a whole."""

    def test_see_a_customers_wallet_and_its_history(self, funded):
        alice, _ = funded

        account = ledger_selectors.account_get(actor=AGENT, account_id=alice.wallet_account_id)
        history = ledger_selectors.account_history(actor=AGENT, account_id=alice.wallet_account_id)

        assert account.id == alice.wallet_account_id
        assert len(history.entries) == 2

    def test_are_refused_the_houses_accounts(self, funded, house):
        with pytest.raises(AccountNotFound):
            ledger_selectors.account_get(actor=AGENT, account_id=house.id)
        with pytest.raises(AccountNotFound):
            ledger_selectors.account_balances(actor=AGENT, account_id=house.id)
        found = ledger_selectors.accounts_search(actor=AGENT, code="1001.bank")
        assert found.accounts == []

    def test_are_refused_the_trial_balance(self, funded):
        with pytest.raises(PermissionDenied):
            ledger_selectors.trial_balance(actor=AGENT)

    def test_find_only_customers_accounts(self, funded, house):
        alice, bob = funded

        page = ledger_selectors.accounts_search(actor=AGENT)

        assert {a.id for a in page.accounts} == {alice.wallet_account_id, bob.wallet_account_id}

    def test_an_owner_that_only_looks_like_a_customer_stays_hidden(self, funded, now):
        lookalike, _ = account_create(
            currency="CNY", code="2001.wallet", kind="liability", owner_ref="Customer:x",
            actor=SYSTEM, now=now,
        )  # fmt: skip

        with pytest.raises(AccountNotFound):
            ledger_selectors.account_get(actor=AGENT, account_id=lookalike.id)


def test_customer_id_for_user_is_the_customers_profile(with_wallet, make_customer_user):
    alice = with_wallet("+8613912345678", "357")

    assert customer_id_for_user(user_id=alice.user_id) == alice.id
    assert customer_id_for_user(user_id=make_customer_user("+8613912345670").pk) is None

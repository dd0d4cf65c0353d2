"""A customer's ledger accounts as customers shows them (Customer 360, the portal): read through
the ledger's selectors, scoped to that customer."""

import uuid

import pytest

from hujin.core.actors import SYSTEM, Actor
from hujin.customers.models import Customer
from hujin.customers.permissions import VIEW_CUSTOMERS
from hujin.customers.selectors import accounts_of, customer_360, customer_id_for_user
from hujin.customers.services import kyc_submit, wallet_open_if_ready
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


class TestAccountsOf:
    def test_shows_the_ledgers_posted_and_available_balances(self, funded):
        alice, _ = funded

        (line,) = accounts_of(customer_id=alice.id)

        assert line.id == alice.wallet_account_id
        assert (line.balance_minor, line.available_minor) == (100_00, 70_00)
        assert (line.balance, line.available) == ("100.00", "70.00")

    def test_shows_only_that_customers_accounts(self, funded):
        alice, bob = funded

        bobs = [line.id for line in accounts_of(customer_id=bob.id)]

        assert bobs == [bob.wallet_account_id] and alice.wallet_account_id not in bobs
        assert accounts_of(customer_id=uuid.uuid4()) == []

    def test_customer_360_shows_them_to_staff_without_ledger_permissions(self, funded, now):
        alice, _ = funded

        view = customer_360(actor=AGENT, customer_id=alice.id, reveal=False, now=now)

        assert [(a.id, a.available_minor) for a in view.accounts] == [
            (alice.wallet_account_id, 70_00)
        ]


def test_customer_id_for_user_is_the_customers_profile(with_wallet, make_customer_user):
    alice = with_wallet("+8613912345678", "357")

    assert customer_id_for_user(user_id=alice.user_id) == alice.id
    assert customer_id_for_user(user_id=make_customer_user("+8613912345670").pk) is None

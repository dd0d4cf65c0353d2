"""Account opening: a verified, consenting, active customer gets exactly one CNY wallet."""

import uuid

import pytest
from django.db import transaction

from hujin.core.actors import SYSTEM
from hujin.core.approvals import approval_decide
from hujin.core.events import event_emit, outbox_dispatch
from hujin.customers.models import Customer
from hujin.customers.services import customer_ensure, kyc_submit
from hujin.customers.services.status import customer_freeze_request
from hujin.customers.services.wallet import (
    WALLET_CODE,
    customer_account_open,
    owner_ref_for,
    wallet_open_if_ready,
)
from hujin.ledger.models import Account
from hujin.ledger.selectors import CUSTOMER_OWNER_NAMESPACE
from hujin.ledger.verify import ledger_verify
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(customer_user, now, simulated_provider, consents):
    consents.outstanding = ["privacy_policy"]  # not yet: the wallet must wait
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id(),
        legal_name="王五",
        actor=actor_for(customer_user),
        now=now,
    )
    return Customer.objects.get(user=customer_user)


def test_opens_a_cny_liability_wallet_that_cannot_go_negative(verified, consents, now):
    consents.outstanding = []

    account_id = wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now)

    account = Account.objects.get(id=account_id)
    assert (account.currency, account.kind, account.code) == ("CNY", "liability", WALLET_CODE)
    assert account.debits_must_not_exceed_credits
    assert account.owner_ref == owner_ref_for(verified.id)
    verified.refresh_from_db()
    assert verified.wallet_account_id == account_id


def test_opens_in_the_customer_namespace_the_api_refuses(verified, consents, now, api_client):
    consents.outstanding = []

    account_id = wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now)

    owner_ref = Account.objects.get(id=account_id).owner_ref
    assert owner_ref == f"{CUSTOMER_OWNER_NAMESPACE}{verified.id}"
    refused = api_client("ledger:write").post(
        "/api/v1/ledger/accounts",
        {"currency": "CNY", "code": WALLET_CODE, "kind": "liability", "owner_ref": owner_ref},
    )
    assert refused.status_code == 422
    assert Account.objects.filter(owner_ref=owner_ref).count() == 1


def test_waits_while_a_consent_is_outstanding(verified, now):
    assert wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now) is None
    assert not Account.objects.filter(owner_ref=owner_ref_for(verified.id)).exists()


def test_waits_while_the_customer_is_not_verified(customer_user, consents, now):
    customer = customer_ensure(user_id=customer_user.pk, actor=SYSTEM, now=now)

    assert wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now) is None


def test_a_frozen_customer_gets_no_new_wallet(verified, consents, now):
    consents.outstanding = []
    Customer.objects.filter(id=verified.id).update(status="frozen")

    assert wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now) is None


def test_is_idempotent_one_wallet_per_customer(verified, consents, now):
    consents.outstanding = []

    first = wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now)
    second = wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now)

    assert first == second
    assert Account.objects.filter(owner_ref=owner_ref_for(verified.id)).count() == 1


def test_the_consent_event_opens_the_wallet(verified, consents, now):
    consents.outstanding = []
    with transaction.atomic():
        event_emit(
            aggregate_type="privacy.user",
            aggregate_id=str(verified.user_id),
            event_type="privacy.consent_given",
            occurred_at=now,
            payload={"user_id": str(verified.user_id)},
        )

    outbox_dispatch(now=now)

    verified.refresh_from_db()
    assert verified.wallet_account_id is not None


def test_verification_opens_the_wallet_when_consents_are_already_given(
    customer_user, now, simulated_provider, consents
):
    consents.outstanding = []
    kyc_submit(
        user_id=customer_user.pk,
        document_type="resident_id",
        document_number=resident_id(),
        legal_name="王五",
        actor=actor_for(customer_user),
        now=now,
    )

    outbox_dispatch(now=now)

    customer = Customer.objects.get(user=customer_user)
    assert Account.objects.get(id=customer.wallet_account_id).credits_posted == 0


class TestAccountsOpenedForACustomer:
    """Every account customers opens for a customer follows the customer's freeze: opened while
    they are frozen, it opens with its debits frozen, and their unfreeze lifts it."""

    @pytest.fixture
    def with_wallet(self, verified, consents, now):
        consents.outstanding = []
        wallet_open_if_ready(customer_id=verified.id, actor=SYSTEM, now=now)
        verified.refresh_from_db()
        return verified

    def status_change(self, customer, officer, second_officer, now, *, freeze: bool):
        request = customer_freeze_request(customer_id=customer.id, freeze=freeze, reason="r",
                                          actor=officer, now=now)  # fmt: skip
        approval_decide(actor=second_officer, request_id=request.id, approve=True, reason="ok",
                        now=now)  # fmt: skip

    def open_savings(self, customer, now) -> Account:
        with transaction.atomic():
            locked = Customer.objects.select_for_update().get(id=customer.id)
            account_id = customer_account_open(
                customer=locked, id=uuid.uuid4(), currency="CNY", code="2002.savings",
                kind="liability", name="Savings", actor=SYSTEM, now=now,
            )  # fmt: skip
        return Account.objects.get(id=account_id)

    def test_opens_unfrozen_for_an_active_customer(self, with_wallet, now):
        savings = self.open_savings(with_wallet, now)

        assert not savings.debits_frozen
        assert savings.owner_ref == owner_ref_for(with_wallet.id)

    def test_opens_frozen_for_a_frozen_customer_and_their_unfreeze_lifts_it(
        self, with_wallet, officer, second_officer, now
    ):
        self.status_change(with_wallet, officer, second_officer, now, freeze=True)

        savings = self.open_savings(with_wallet, now)

        assert savings.debits_frozen
        self.status_change(with_wallet, officer, second_officer, now, freeze=False)
        assert not Account.objects.filter(owner_ref=owner_ref_for(with_wallet.id),
                                          debits_frozen=True).exists()  # fmt: skip
        assert ledger_verify().ok

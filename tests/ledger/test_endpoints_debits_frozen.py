"""The JSON API answers a debit of a frozen account with the ledger's result ``debits_frozen``.

The flag is set by ``account_debits_freeze`` (a customer freeze, a risk decision); an API client
holding ``ledger:write`` cannot get around it, alone or in a batch.
"""

import uuid
from datetime import UTC, datetime

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze

BASE = "/api/v1/ledger"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="payments")


def open_account(client, **fields) -> dict:
    body = {"currency": "CNY", "code": "2001.wallet", "kind": "liability", **fields}
    response = client.post(f"{BASE}/accounts", body)
    assert response.status_code == 201, response.json()
    return response.json()


def single(debit: dict, credit: dict, amount: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": "single",
        "debit_account_id": debit["id"],
        "credit_account_id": credit["id"],
        "amount": amount,
        "currency": "CNY",
        "code": "p2p",
    }


def results(client, *transfers: dict) -> list[str]:
    response = client.post(f"{BASE}/transfers", {"transfers": list(transfers)})
    assert response.status_code == 200, response.json()
    return [r["result"] for r in response.json()["results"]]


@pytest.fixture
def accounts(client):
    bank = open_account(client, code="1001.bank", kind="asset")
    wallet = open_account(client, debits_must_not_exceed_credits=True)
    merchant = open_account(client, code="2101.merchant")
    assert results(client, single(bank, wallet, "100.00")) == ["ok"]
    account_debits_freeze(
        account_ids=[uuid.UUID(wallet["id"])], reason_code="risk.block", actor=SYSTEM, now=NOW
    )
    return bank, wallet, merchant


class TestTransfersFromAFrozenAccount:
    def test_a_payment_alone_gets_debits_frozen(self, client, accounts):
        _, wallet, merchant = accounts

        assert results(client, single(wallet, merchant, "1.00")) == ["debits_frozen"]

        balances = client.get(f"{BASE}/accounts/{wallet['id']}").json()["balances"]
        assert balances["debits_posted"] == "0.00"

    def test_a_payment_in_a_batch_gets_debits_frozen_and_the_rest_is_applied(
        self, client, accounts
    ):
        bank, wallet, merchant = accounts

        answer = results(client, single(bank, wallet, "5.00"), single(wallet, merchant, "1.00"))

        assert answer == ["ok", "debits_frozen"]

    def test_after_the_unfreeze_a_new_payment_is_applied(self, client, accounts):
        _, wallet, merchant = accounts
        account_debits_unfreeze(
            account_ids=[uuid.UUID(wallet["id"])], reason_code="risk.block", actor=SYSTEM, now=NOW
        )

        assert results(client, single(wallet, merchant, "1.00")) == ["ok"]


class TestTheFlagIsShown:
    def test_the_account_says_its_debits_are_frozen_and_again_when_unfrozen(self, client, accounts):
        _, wallet, _ = accounts

        assert client.get(f"{BASE}/accounts/{wallet['id']}").json()["debits_frozen"] is True

        account_debits_unfreeze(
            account_ids=[uuid.UUID(wallet["id"])], reason_code="risk.block", actor=SYSTEM, now=NOW
        )
        assert client.get(f"{BASE}/accounts/{wallet['id']}").json()["debits_frozen"] is False

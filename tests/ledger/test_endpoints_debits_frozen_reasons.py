"""The JSON API shows why an account's debits are frozen: ``debits_frozen_reasons``, the codes of
the reasons active now, sorted, next to the ``debits_frozen`` flag, on every account it returns;
a page of accounts reads them in one query, however many are frozen.
"""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hujin.core.actors import SYSTEM
from hujin.ledger.services import account_debits_freeze, account_debits_unfreeze

BASE = "/api/v1/ledger"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="payments")


def open_account(client, code: str = "2001.wallet") -> dict:
    body = {"currency": "CNY", "code": code, "kind": "liability"}
    response = client.post(f"{BASE}/accounts", body)
    assert response.status_code == 201, response.json()
    return response.json()


def freeze(account: dict, reason: str) -> None:
    account_debits_freeze(account_ids=[uuid.UUID(account["id"])], reason_code=reason,
                          actor=SYSTEM, now=NOW)  # fmt: skip


def searched(client, code: str) -> list[dict]:
    response = client.get(f"{BASE}/accounts", {"code": code})
    assert response.status_code == 200, response.json()
    return response.json()["items"]


class TestTheReasonsAreShown:
    def test_an_account_frozen_for_two_reasons_lists_both_sorted(self, client):
        wallet = open_account(client)
        freeze(wallet, "risk.block")
        freeze(wallet, "customers.freeze")

        shown = client.get(f"{BASE}/accounts/{wallet['id']}").json()

        assert shown["debits_frozen"] is True
        assert shown["debits_frozen_reasons"] == ["customers.freeze", "risk.block"]

    def test_lifting_one_reason_leaves_the_other_shown(self, client):
        wallet = open_account(client)
        freeze(wallet, "risk.block")
        freeze(wallet, "customers.freeze")

        account_debits_unfreeze(account_ids=[uuid.UUID(wallet["id"])],
                                reason_code="customers.freeze", actor=SYSTEM, now=NOW)  # fmt: skip

        shown = client.get(f"{BASE}/accounts/{wallet['id']}").json()
        assert (shown["debits_frozen"], shown["debits_frozen_reasons"]) == (True, ["risk.block"])

    def test_an_account_that_is_not_frozen_has_no_reasons(self, client):
        wallet = open_account(client)

        assert wallet["debits_frozen_reasons"] == []
        assert client.get(f"{BASE}/accounts/{wallet['id']}").json()["debits_frozen_reasons"] == []

    def test_the_search_the_statement_and_a_closed_account_show_them_too(self, client):
        wallet = open_account(client)
        freeze(wallet, "risk.block")

        [listed] = searched(client, "2001.wallet")
        statement = client.get(
            f"{BASE}/accounts/{wallet['id']}/statement",
            {"from_date": "2026-03-01", "to_date": "2026-03-02"},
        )
        closed = client.post(f"{BASE}/accounts/{wallet['id']}/close")

        assert listed["debits_frozen_reasons"] == ["risk.block"]
        assert statement.status_code == 200, statement.json()
        assert statement.json()["account"]["debits_frozen_reasons"] == ["risk.block"]
        assert closed.status_code == 200, closed.json()
        assert closed.json()["debits_frozen_reasons"] == ["risk.block"]

    def test_the_schema_describes_them(self, db):
        schema = Client().get("/api/v1/openapi.json").json()

        field = schema["components"]["schemas"]["AccountOut"]["properties"]["debits_frozen_reasons"]
        assert field["type"] == "array" and field["items"] == {"type": "string"}
        assert "reasons" in field["description"]


class TestAPageOfAccounts:
    def test_reads_the_reasons_of_all_its_accounts_in_one_query(self, client):
        first = open_account(client, "2001.frozen")
        freeze(first, "risk.block")
        with CaptureQueriesContext(connection) as one_frozen:
            assert len(searched(client, "2001.frozen")) == 1
        for _ in range(4):
            freeze(open_account(client, "2001.frozen"), "customers.freeze")

        with CaptureQueriesContext(connection) as five_frozen:
            listed = searched(client, "2001.frozen")

        assert sorted(a["debits_frozen_reasons"][0] for a in listed) == (
            ["customers.freeze"] * 4 + ["risk.block"]
        )
        assert len(five_frozen) == len(one_frozen)
        reasons_read = [q for q in five_frozen if "ledger_accountdebitfreeze" in q["sql"]]
        assert len(reasons_read) == 1

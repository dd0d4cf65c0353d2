"""The ledger's transfer endpoints: apply batches, read a transfer and list transfers, and the
trial balance.

A batch answers 200 with one result per transfer, in order; a transfer the ledger refuses is a
result code, not an HTTP error. Only a request that is malformed as a whole is an HTTP error.
"""

import json
import uuid

import pytest

from hujin.ledger.models import Transfer
from hujin.ledger.services import MAX_BATCH

BASE = "/api/v1/ledger"


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="ledger integration")


def open_account(client, **fields) -> dict:
    body = {"currency": "CNY", "code": "2001.wallet", "kind": "liability", **fields}
    response = client.post(f"{BASE}/accounts", body)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def bank(client):
    return open_account(client, code="1001.bank", kind="asset")


@pytest.fixture
def alice(client):
    return open_account(client, name="Alice", debits_must_not_exceed_credits=True)


@pytest.fixture
def bob(client):
    return open_account(client, name="Bob", debits_must_not_exceed_credits=True)


def single(debit: dict, credit: dict, amount: str, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": "single",
        "debit_account_id": debit["id"],
        "credit_account_id": credit["id"],
        "amount": amount,
        "currency": debit["currency"],
        "code": "test",
        **fields,
    }


def send(client, *transfers: dict):
    return client.post(f"{BASE}/transfers", {"transfers": list(transfers)})


def results(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [r["result"] for r in response.json()["results"]]


def balances(client, account: dict) -> dict:
    return client.get(f"{BASE}/accounts/{account['id']}").json()["balances"]


class TestTransfersCreate:
    def test_answers_each_transfer_s_result_in_order_with_the_count_applied(
        self, client, bank, alice, bob
    ):
        top_up = single(bank, alice, "100.00", code="topup")
        too_much = single(alice, bob, "500.00", code="p2p")
        payment = single(alice, bob, "20.00", code="p2p")

        response = send(client, top_up, too_much, payment)

        assert response.status_code == 200
        assert response.json() == {
            "results": [
                {"id": top_up["id"], "result": "ok"},
                {"id": too_much["id"], "result": "exceeds_credits"},
                {"id": payment["id"], "result": "ok"},
            ],
            "ok_count": 2,
        }
        assert balances(client, alice)["net"] == "80.00"
        assert balances(client, bob)["net"] == "20.00"

    def test_reads_the_decimal_amount_in_the_currency_s_minor_units(self, client, bank, alice):
        item = single(bank, alice, "12.3")

        assert results(send(client, item)) == ["ok"]

        assert Transfer.objects.get(id=item["id"]).amount == 1_230

    def test_retrying_a_batch_answers_exists_and_moves_no_more_money(self, client, bank, alice):
        batch = [single(bank, alice, "10.00"), single(bank, alice, "5.00")]
        send(client, *batch)

        assert results(send(client, *batch)) == ["exists", "exists"]
        assert balances(client, alice)["net"] == "15.00"

    def test_a_retry_with_a_different_amount_is_refused(self, client, bank, alice):
        item = single(bank, alice, "10.00")
        send(client, item)

        assert results(send(client, {**item, "amount": "11.00"})) == [
            "exists_with_different_fields"
        ]

    def test_an_id_that_failed_on_the_ledger_s_state_stays_failed(self, client, bank, alice, bob):
        overdraft = single(alice, bob, "1.00")
        assert results(send(client, overdraft)) == ["exceeds_credits"]
        send(client, single(bank, alice, "10.00"))

        assert results(send(client, overdraft)) == ["id_already_failed"]

    def test_a_linked_chain_succeeds_or_fails_as_a_whole(self, client, bank, alice, bob):
        send(client, single(bank, alice, "10.00"))
        chain = [
            single(alice, bob, "6.00", linked=True),
            single(alice, bob, "6.00"),  # the second leg overdraws alice
        ]

        assert results(send(client, *chain)) == ["linked_event_failed", "exceeds_credits"]
        assert balances(client, bob)["net"] == "0.00"

    def test_a_batch_ending_inside_a_chain_is_refused_as_open(self, client, bank, alice):
        assert results(send(client, single(bank, alice, "1.00", linked=True))) == [
            "linked_event_chain_open"
        ]

    def test_a_pending_transfer_holds_funds_until_it_is_posted_for_less(self, client, bank, alice):
        send(client, single(bank, alice, "100.00"))
        hold = single(alice, bank, "30.00", kind="pending", timeout_seconds=3600)
        assert results(send(client, hold)) == ["ok"]
        assert balances(client, alice)["available"] == "70.00"

        post = {
            "id": str(uuid.uuid4()),
            "kind": "post_pending",
            "pending_id": hold["id"],
            "amount": "25.00",
            "currency": "CNY",
            "code": "withdrawal",
        }

        assert results(send(client, post)) == ["ok"]
        assert balances(client, alice) == {
            "debits_pending": "0.00",
            "debits_posted": "25.00",
            "credits_pending": "0.00",
            "credits_posted": "100.00",
            "net": "75.00",
            "available": "75.00",
        }

    def test_a_pending_transfer_can_be_voided_without_an_amount(self, client, bank, alice):
        send(client, single(bank, alice, "100.00"))
        hold = single(alice, bank, "30.00", kind="pending")
        send(client, hold)
        void = {
            "id": str(uuid.uuid4()),
            "kind": "void_pending",
            "pending_id": hold["id"],
            "code": "withdrawal",
        }

        assert results(send(client, void)) == ["ok"]
        assert balances(client, alice)["available"] == "100.00"

    def test_posting_without_a_pending_id_is_a_result_code(self, client):
        item = {"id": str(uuid.uuid4()), "kind": "post_pending", "code": "x"}

        assert results(send(client, item)) == ["pending_id_required"]

    def test_moves_money_only_between_accounts_of_one_currency(self, client, bank):
        dollars = open_account(client, currency="USD")

        assert results(send(client, single(bank, dollars, "1.00"))) == ["currency_mismatch"]

    def test_needs_the_write_scope(self, api_client, bank, alice):
        reader = api_client("ledger:read", name="reader")

        response = send(reader, single(bank, alice, "1.00"))

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


class TestTransfersCreateRefusesMalformedBatches:
    """Problems with the request itself: 422 naming each transfer's field, nothing applied."""

    def problems(self, response) -> list[tuple]:
        assert response.status_code == 422, response.json()
        assert response.json()["error"]["code"] == "validation_error"
        return [tuple(e["loc"]) for e in response.json()["error"]["details"]["errors"]]

    def test_an_amount_as_a_json_number(self, client, bank, alice):
        response = send(client, {**single(bank, alice, "1.00"), "amount": 12.5})

        assert ("body", "payload", "transfers", "0", "amount") in self.problems(response)

    @pytest.mark.parametrize("amount", ["-1.00", "1e3", "1,000.00", "", " 1.00", "١٢"])
    def test_an_amount_that_is_not_a_plain_decimal_string(self, client, bank, alice, amount):
        response = send(client, single(bank, alice, amount))

        assert ("body", "payload", "transfers", "0", "amount") in self.problems(response)

    def test_more_decimals_than_the_currency_has(self, client, bank, alice):
        response = send(client, single(bank, alice, "1.005"))

        assert ("body", "payload", "transfers", "0") in self.problems(response)
        assert "at most 2 decimal places" in response.json()["error"]["details"]["errors"][0]["msg"]

    def test_an_amount_without_its_currency(self, client, bank, alice):
        item = single(bank, alice, "1.00")
        del item["currency"]

        assert ("body", "payload", "transfers", "0") in self.problems(send(client, item))

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("code", "has space"),
            ("code", ""),
            ("kind", "expire_pending"),  # only the ledger expires
            ("timeout_seconds", -1),
            ("timeout_seconds", 2**31),
            ("timeout_seconds", "60"),
            ("linked", "true"),
            ("metadata", {"note": "x" * 5000}),
            ("pending_id", "nope"),
        ],
    )
    def test_a_field_out_of_bounds(self, client, bank, alice, field, value):
        response = send(client, {**single(bank, alice, "1.00"), field: value})

        assert ("body", "payload", "transfers", "0", field) in self.problems(response)

    def test_an_unknown_field_in_a_transfer(self, client, bank, alice):
        response = send(client, {**single(bank, alice, "1.00"), "fee": "0.10"})

        assert ("body", "payload", "transfers", "0", "fee") in self.problems(response)

    def test_lists_every_problem_of_every_transfer(self, client, bank, alice):
        response = send(
            client,
            {**single(bank, alice, "1.00"), "code": "bad code"},
            single(bank, alice, "1.00"),
            {**single(bank, alice, "1.00"), "amount": 1, "linked": "no"},
        )

        assert set(self.problems(response)) == {
            ("body", "payload", "transfers", "0", "code"),
            ("body", "payload", "transfers", "2", "amount"),
            ("body", "payload", "transfers", "2", "linked"),
        }
        assert not Transfer.objects.exists()

    def test_an_empty_batch(self, client):
        response = client.post(f"{BASE}/transfers", {"transfers": []})

        assert ("body", "payload", "transfers") in self.problems(response)

    def test_more_than_8000_transfers(self, client, bank, alice):
        batch = [single(bank, alice, "0.01") for _ in range(MAX_BATCH + 1)]

        response = client.post(
            f"{BASE}/transfers", json.dumps({"transfers": batch}), content_type="application/json"
        )

        assert ("body", "payload", "transfers") in self.problems(response)
        assert not Transfer.objects.exists()


class TestTransferGet:
    def test_shows_a_posted_transfer_with_its_amount_as_a_decimal_string(self, client, bank, alice):
        item = single(bank, alice, "100.00", code="topup", metadata={"channel": "unionpay"})
        send(client, item)

        response = client.get(f"{BASE}/transfers/{item['id']}")

        assert response.status_code == 200
        transfer = response.json()
        assert transfer["amount"] == "100.00"
        assert transfer["currency"] == "CNY"
        assert transfer["kind"] == "single"
        assert transfer["metadata"] == {"channel": "unionpay"}
        assert transfer["pending_status"] is None
        assert transfer["resolution_id"] is None

    def test_names_the_api_key_that_made_it_and_the_batch_it_came_in(self, client, bank, alice):
        first, second = single(bank, alice, "1.00"), single(bank, alice, "2.00")
        send(client, first, second)

        shown = [client.get(f"{BASE}/transfers/{item['id']}").json() for item in (first, second)]

        assert {t["made_by"]["kind"] for t in shown} == {"api_key"}
        assert shown[0]["made_by"]["id"] == str(client.api_key.id)
        assert shown[0]["batch_id"] is not None
        assert shown[0]["batch_id"] == shown[1]["batch_id"]

    def test_a_pending_transfer_shows_it_is_pending_then_what_resolved_it(
        self, client, bank, alice
    ):
        hold = single(bank, alice, "5.00", kind="pending", timeout_seconds=60)
        send(client, hold)
        pending = client.get(f"{BASE}/transfers/{hold['id']}").json()
        post_id = str(uuid.uuid4())
        send(client, {"id": post_id, "kind": "post_pending", "pending_id": hold["id"], "code": "x"})

        posted = client.get(f"{BASE}/transfers/{hold['id']}").json()

        assert (pending["pending_status"], pending["resolution_id"]) == ("pending", None)
        assert pending["timeout_seconds"] == 60
        assert pending["expires_at"] is not None
        assert (posted["pending_status"], posted["resolution_id"]) == ("posted", post_id)
        assert client.get(f"{BASE}/transfers/{post_id}").json()["pending_id"] == hold["id"]

    def test_an_unknown_transfer_answers_404(self, client):
        response = client.get(f"{BASE}/transfers/{uuid.uuid4()}")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == "transfer_not_found"


class TestTransfersList:
    def test_lists_newest_first_filtered_by_code_and_kind(self, client, bank, alice):
        send(client, single(bank, alice, "1.00", code="topup"))
        send(client, single(bank, alice, "2.00", code="topup"))
        send(client, single(bank, alice, "3.00", code="fee"))
        send(client, single(bank, alice, "4.00", code="topup", kind="pending"))

        topups = client.get(f"{BASE}/transfers", {"code": "topup", "kind": "single"}).json()
        everything = client.get(f"{BASE}/transfers").json()

        assert [t["amount"] for t in topups["items"]] == ["2.00", "1.00"]
        assert [t["amount"] for t in everything["items"]] == ["4.00", "3.00", "2.00", "1.00"]

    def test_filters_by_business_date(self, client, bank, alice, business_date):
        send(client, single(bank, alice, "1.00"))
        today = Transfer.objects.get().business_date.isoformat()

        that_day = client.get(f"{BASE}/transfers", {"business_date": today}).json()
        another_day = client.get(f"{BASE}/transfers", {"business_date": "2001-01-01"}).json()

        assert len(that_day["items"]) == 1
        assert another_day["items"] == []

    def test_pages_backwards_with_next_before_seq(self, client, bank, alice):
        for amount in ("1.00", "2.00", "3.00"):
            send(client, single(bank, alice, amount))

        first = client.get(f"{BASE}/transfers", {"limit": 2}).json()
        rest = client.get(
            f"{BASE}/transfers", {"limit": 2, "before_seq": first["next_before_seq"]}
        ).json()

        assert [t["amount"] for t in first["items"]] == ["3.00", "2.00"]
        assert [t["amount"] for t in rest["items"]] == ["1.00"]
        assert rest["next_before_seq"] is None

    @pytest.mark.parametrize(
        "query",
        [
            {"kind": "refund"},
            {"limit": 1000},
            {"business_date": "14/03/2025"},
            {"before_seq": 2**63},
        ],
    )
    def test_refuses_bad_filters_with_422(self, client, query):
        assert client.get(f"{BASE}/transfers", query).status_code == 422

    def test_needs_the_read_scope(self, api_client):
        writer = api_client("ledger:write", name="writer")

        assert writer.get(f"{BASE}/transfers").status_code == 403
        assert writer.get(f"{BASE}/transfers/{uuid.uuid4()}").status_code == 403


class TestTrialBalance:
    def test_groups_by_kind_with_subtotals_and_checks_debits_equal_credits(
        self, client, bank, alice, bob
    ):
        revenue = open_account(client, code="6001.fees", kind="income")
        send(client, single(bank, alice, "100.00"), single(bank, bob, "50.00"))
        send(client, single(alice, revenue, "1.50"))

        response = client.get(f"{BASE}/trial-balance")

        assert response.status_code == 200
        (cny,) = response.json()["currencies"]
        assert cny["currency"] == "CNY"
        assert [k["kind"] for k in cny["kinds"]] == ["asset", "liability", "income"]
        asset, liability, income = cny["kinds"]
        assert asset["subtotal"]["debit_balance"] == "150.00"
        assert liability["rows"] == [
            {
                "code": "2001.wallet",
                "accounts": 2,
                "debits_posted": "1.50",
                "credits_posted": "150.00",
                "debits_pending": "0.00",
                "credits_pending": "0.00",
                "debit_balance": "0.00",
                "credit_balance": "148.50",
            }
        ]
        assert income["subtotal"]["credit_balance"] == "1.50"
        assert cny["total"]["debits_posted"] == cny["total"]["credits_posted"] == "151.50"
        assert cny["total"]["debit_balance"] == cny["total"]["credit_balance"] == "150.00"
        assert cny["balanced"] is True

    def test_filters_by_currency(self, client, bank):
        open_account(client, currency="USD")

        response = client.get(f"{BASE}/trial-balance", {"currency": "USD"})

        assert [c["currency"] for c in response.json()["currencies"]] == ["USD"]

    def test_needs_the_read_scope(self, api_client):
        writer = api_client("ledger:write", name="writer")

        assert writer.get(f"{BASE}/trial-balance").status_code == 403

"""The ledger's account endpoints: open accounts, find them, read their balances (now and then),
close and reopen them, page through their history and take statements.

Money crosses the API as decimal strings next to a currency ("100.00" CNY is 10,000 fen).
"""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Account
from hujin.ledger.services import transfers_create

BASE = "/api/v1/ledger"


@pytest.fixture
def client(api_client):
    """A key holding both ledger scopes."""
    return api_client("ledger:read", "ledger:write", name="ledger integration")


@pytest.fixture
def reader(api_client):
    return api_client("ledger:read", name="reader")


@pytest.fixture
def writer(api_client):
    return api_client("ledger:write", name="writer")


def open_account(client, **fields) -> dict:
    body = {"currency": "CNY", "code": "2001.wallet", "kind": "liability", **fields}
    response = client.post(f"{BASE}/accounts", body)
    assert response.status_code == 201, response.json()
    return response.json()


def transfer(client, debit: dict, credit: dict, amount: str, **fields) -> str:
    """Apply one transfer through the API; its result code."""
    item = {
        "id": str(uuid.uuid4()),
        "kind": "single",
        "debit_account_id": debit["id"],
        "credit_account_id": credit["id"],
        "amount": amount,
        "currency": debit["currency"],
        "code": "test",
        **fields,
    }
    response = client.post(f"{BASE}/transfers", {"transfers": [item]})
    assert response.status_code == 200, response.json()
    return response.json()["results"][0]["result"]


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def bank(client):
    return open_account(client, code="1001.bank", kind="asset", name="Custodian bank")


@pytest.fixture
def wallet(client):
    return open_account(
        client, name="Alice", owner_ref="partner:alice", debits_must_not_exceed_credits=True
    )


class TestAccountCreate:
    def test_opens_an_account_and_answers_201_with_zero_balances(self, client):
        response = client.post(
            f"{BASE}/accounts",
            {
                "currency": "CNY",
                "code": "2001.wallet",
                "kind": "liability",
                "name": "Alice",
                "owner_ref": "partner:alice",
                "debits_must_not_exceed_credits": True,
                "metadata": {"tier": "gold"},
            },
        )

        assert response.status_code == 201
        account = response.json()
        uuid.UUID(account["id"])
        assert account["number"] == Account.objects.get(id=account["id"]).number
        assert account["currency"] == "CNY"
        assert account["kind"] == "liability"
        assert account["normal_side"] == "credit"
        assert account["debits_must_not_exceed_credits"] is True
        assert account["closed"] is False
        assert account["metadata"] == {"tier": "gold"}
        assert account["balances"] == {
            "debits_pending": "0.00",
            "debits_posted": "0.00",
            "credits_pending": "0.00",
            "credits_posted": "0.00",
            "net": "0.00",
            "available": "0.00",
        }

    def test_the_same_id_and_fields_again_answers_200_with_the_same_account(self, client):
        body = {"id": str(uuid.uuid4()), "currency": "CNY", "code": "1001.bank", "kind": "asset"}
        first = client.post(f"{BASE}/accounts", body)

        again = client.post(f"{BASE}/accounts", body)

        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()

    def test_the_same_id_with_different_fields_answers_409(self, client):
        account_id = str(uuid.uuid4())
        client.post(
            f"{BASE}/accounts",
            {"id": account_id, "currency": "CNY", "code": "1001.bank", "kind": "asset"},
        )

        response = client.post(
            f"{BASE}/accounts",
            {"id": account_id, "currency": "USD", "code": "1001.bank", "kind": "asset"},
        )

        assert response.status_code == 409
        assert error_code(response) == "account_exists_with_different_fields"

    def test_both_balance_limit_flags_at_once_answer_400(self, client):
        response = client.post(
            f"{BASE}/accounts",
            {
                "currency": "CNY",
                "code": "2001.wallet",
                "kind": "liability",
                "debits_must_not_exceed_credits": True,
                "credits_must_not_exceed_debits": True,
            },
        )

        assert response.status_code == 400
        assert error_code(response) == "account_invalid"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("currency", "XXX"),  # not a currency Hujin knows
            ("currency", "cny"),
            ("code", "has spaces"),
            ("code", ""),
            ("code", "x" * 65),
            ("kind", "savings"),
            ("name", "x" * 201),
            ("name", "nul\x00byte"),
            ("name", 42),
            ("debits_must_not_exceed_credits", "yes"),
            ("metadata", ["not", "an", "object"]),
            ("metadata", {"blob": "x" * 5000}),
            ("id", "not-a-uuid"),
        ],
    )
    def test_refuses_a_field_out_of_bounds_with_422_naming_it(self, client, field, value):
        body = {"currency": "CNY", "code": "2001.wallet", "kind": "liability", field: value}

        response = client.post(f"{BASE}/accounts", body)

        assert response.status_code == 422
        assert error_code(response) == "validation_error"
        locations = [e["loc"][-1] for e in response.json()["error"]["details"]["errors"]]
        assert field in locations

    def test_refuses_unknown_fields(self, client):
        response = client.post(
            f"{BASE}/accounts",
            {"currency": "CNY", "code": "2001.wallet", "kind": "liability", "balance": "100"},
        )

        assert response.status_code == 422
        (problem,) = response.json()["error"]["details"]["errors"]
        assert problem["loc"] == ["body", "payload", "balance"]
        assert problem["type"] == "extra_forbidden"

    def test_needs_the_write_scope(self, reader):
        response = reader.post(
            f"{BASE}/accounts", {"currency": "CNY", "code": "1001.bank", "kind": "asset"}
        )

        assert response.status_code == 403
        assert response.json()["error"]["details"] == {"required_scope": "ledger:write"}


class TestAccountCreateInTheCustomerNamespace:
    """``customer:`` owner references belong to the customers module: they decide whose reads,
    Customer 360, freezes and closing an account joins. Only customers' own services open
    accounts under them; the API, the outside door, refuses them."""

    @pytest.mark.parametrize(
        "owner_ref",
        ["customer:", "customer:victim", "customer:01938e5c-7a3b-7c61-9d1e-2f0a6b4c8e77"],
    )
    def test_refuses_an_owner_in_the_customer_namespace_with_422(self, client, owner_ref):
        response = client.post(
            f"{BASE}/accounts",
            {"currency": "CNY", "code": "2001.wallet", "kind": "liability",
             "owner_ref": owner_ref},
        )  # fmt: skip

        assert response.status_code == 422
        assert error_code(response) == "validation_error"
        (problem,) = response.json()["error"]["details"]["errors"]
        assert problem["loc"][-1] == "owner_ref"
        assert problem["type"] == "owner_ref_reserved"
        assert "customer:" in problem["msg"]
        assert not Account.objects.exists()

    def test_a_retry_of_such_an_account_is_refused_too(self, client):
        body = {"id": str(uuid.uuid4()), "currency": "CNY", "code": "2001.wallet",
                "kind": "liability", "owner_ref": "customer:victim"}  # fmt: skip

        assert [client.post(f"{BASE}/accounts", body).status_code for _ in "ab"] == [422, 422]

    @pytest.mark.parametrize("owner_ref", ["", "partner:acme", "customers:x", "x-customer:1"])
    def test_other_owners_are_the_client_s_to_name(self, client, owner_ref):
        account = open_account(client, owner_ref=owner_ref)

        assert account["owner_ref"] == owner_ref

    def test_searching_by_a_customer_owner_is_still_a_read(self, reader):
        response = reader.get(f"{BASE}/accounts", {"owner_ref": "customer:alice"})

        assert response.status_code == 200

    def test_the_openapi_document_states_the_rule(self, client):
        document = client.get("/api/v1/openapi.json").json()

        owner_ref = document["components"]["schemas"]["AccountIn"]["properties"]["owner_ref"]
        assert owner_ref["not"] == {"pattern": "^customer:"}
        assert "customer:" in owner_ref["description"]


class TestAccountGet:
    def test_shows_the_four_balances_with_net_and_available(self, client, bank, wallet):
        transfer(client, bank, wallet, "100.00")
        hold = {
            "id": str(uuid.uuid4()),
            "kind": "pending",
            "debit_account_id": wallet["id"],
            "credit_account_id": bank["id"],
            "amount": "30.50",
            "currency": "CNY",
            "code": "withdrawal",
        }
        client.post(f"{BASE}/transfers", {"transfers": [hold]})

        response = client.get(f"{BASE}/accounts/{wallet['id']}")

        assert response.status_code == 200
        assert response.json()["balances"] == {
            "debits_pending": "30.50",
            "debits_posted": "0.00",
            "credits_pending": "0.00",
            "credits_posted": "100.00",
            "net": "100.00",
            "available": "69.50",
        }
        assert response.json()["balances_as_of"] is None

    def test_formats_money_in_the_currency_s_minor_units(self, client):
        yen_bank = open_account(client, currency="JPY", code="1001.bank", kind="asset")
        yen_wallet = open_account(client, currency="JPY")
        dinar_bank = open_account(client, currency="BHD", code="1001.bank", kind="asset")
        dinar_wallet = open_account(client, currency="BHD")
        transfer(client, yen_bank, yen_wallet, "1500")
        transfer(client, dinar_bank, dinar_wallet, "2.125")

        yen = client.get(f"{BASE}/accounts/{yen_wallet['id']}").json()["balances"]
        dinar = client.get(f"{BASE}/accounts/{dinar_wallet['id']}").json()["balances"]

        assert yen["net"] == "1500"
        assert dinar["net"] == "2.125"

    def test_a_debit_normal_account_nets_debits_over_credits(self, client, bank, wallet):
        transfer(client, bank, wallet, "100.00")
        transfer(client, wallet, bank, "40.00")

        balances = client.get(f"{BASE}/accounts/{bank['id']}").json()["balances"]

        assert balances["net"] == "60.00"

    def test_balances_as_of_a_moment_leave_out_later_transfers(self, client, bank, wallet):
        past = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)
        _post_at(bank, wallet, 10_000, now=past, business_date=date(2025, 1, 10))
        _post_at(bank, wallet, 5_000, now=past + timedelta(days=1), business_date=date(2025, 1, 11))

        response = client.get(
            f"{BASE}/accounts/{wallet['id']}", {"as_of": "2025-01-10T12:00:00+08:00"}
        )

        assert response.status_code == 200
        assert response.json()["balances"]["credits_posted"] == "100.00"
        assert response.json()["balances_as_of"].startswith("2025-01-10T")

    def test_balances_at_the_end_of_a_business_date(self, client, bank, wallet):
        _post_at(
            bank,
            wallet,
            10_000,
            now=datetime(2025, 1, 10, 2, 0, tzinfo=UTC),
            business_date=date(2025, 1, 10),
        )
        _post_at(
            bank,
            wallet,
            5_000,
            now=datetime(2025, 1, 11, 2, 0, tzinfo=UTC),
            business_date=date(2025, 1, 11),
        )

        before = client.get(f"{BASE}/accounts/{wallet['id']}", {"business_date": "2025-01-09"})
        first = client.get(f"{BASE}/accounts/{wallet['id']}", {"business_date": "2025-01-10"})
        second = client.get(f"{BASE}/accounts/{wallet['id']}", {"business_date": "2025-01-11"})

        assert before.json()["balances"]["net"] == "0.00"
        assert first.json()["balances"]["net"] == "100.00"
        assert second.json()["balances"]["net"] == "150.00"
        assert second.json()["balances_business_date"] == "2025-01-11"

    @pytest.mark.parametrize(
        "query",
        [
            {"as_of": "2025-01-10T12:00:00+08:00", "business_date": "2025-01-10"},
            {"as_of": "2025-01-10T12:00:00"},  # no time zone
            {"as_of": "yesterday"},
            {"business_date": "0"},
            {"business_date": "0001-01-01"},
        ],
    )
    def test_refuses_an_unclear_point_in_time_with_422(self, client, wallet, query):
        response = client.get(f"{BASE}/accounts/{wallet['id']}", query)

        assert response.status_code == 422

    def test_an_unknown_account_answers_404(self, client):
        response = client.get(f"{BASE}/accounts/{uuid.uuid4()}")

        assert response.status_code == 404
        assert error_code(response) == "account_not_found"

    def test_a_malformed_id_answers_422(self, client):
        response = client.get(f"{BASE}/accounts/not-a-uuid")

        assert response.status_code == 422
        assert response.json()["error"]["details"]["errors"][0]["loc"] == ["path", "account_id"]

    def test_needs_the_read_scope(self, writer, wallet):
        response = writer.get(f"{BASE}/accounts/{wallet['id']}")

        assert response.status_code == 403
        assert response.json()["error"]["details"] == {"required_scope": "ledger:read"}


def _post_at(debit: dict, credit: dict, amount_minor: int, *, now, business_date):
    """A transfer recorded at a chosen moment and business date (the API always uses now)."""
    request = TransferRequest(
        id=uuid.uuid4(),
        kind="single",
        debit_account_id=uuid.UUID(debit["id"]),
        credit_account_id=uuid.UUID(credit["id"]),
        amount=amount_minor,
        code="test",
    )
    (result,) = transfers_create(
        transfers=[request], actor=SYSTEM, now=now, business_date=business_date
    )
    assert result.ok, result


class TestAccountsSearch:
    @pytest.fixture
    def accounts(self, client):
        return {
            "bank": open_account(client, code="1001.bank", kind="asset", name="Custodian bank"),
            "alice": open_account(client, name="Alice", owner_ref="partner:alice"),
            "bob": open_account(client, name="Bob", owner_ref="partner:bob"),
            "usd": open_account(
                client, currency="USD", name="Alice USD", owner_ref="partner:alice"
            ),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, {"bank", "alice", "bob", "usd"}),
            ({"currency": "USD"}, {"usd"}),
            ({"kind": "asset"}, {"bank"}),
            ({"code": "2001.wallet"}, {"alice", "bob", "usd"}),
            ({"owner_ref": "partner:alice"}, {"alice", "usd"}),
            ({"text": "alice"}, {"alice", "usd"}),
            ({"text": "custodian"}, {"bank"}),
            ({"text": "alice", "currency": "CNY"}, {"alice"}),
        ],
    )
    def test_filters_by_text_currency_kind_code_and_owner(self, client, accounts, query, expected):
        response = client.get(f"{BASE}/accounts", query)

        assert response.status_code == 200
        found = {a["id"] for a in response.json()["items"]}
        assert found == {accounts[name]["id"] for name in expected}

    def test_finds_an_account_by_its_id(self, client, accounts):
        response = client.get(f"{BASE}/accounts", {"text": accounts["bob"]["id"]})

        assert [a["id"] for a in response.json()["items"]] == [accounts["bob"]["id"]]

    def test_pages_with_a_cursor_until_there_is_no_next_one(self, client, accounts):
        seen, cursor = [], None
        while True:
            query = {"limit": 3, **({"after": cursor} if cursor else {})}
            page = client.get(f"{BASE}/accounts", query).json()
            seen += [a["id"] for a in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break

        assert sorted(seen) == sorted(a["id"] for a in accounts.values())
        assert len(seen) == len(set(seen))

    @pytest.mark.parametrize(
        "query",
        [
            {"limit": 0},
            {"limit": 501},
            {"limit": "ten"},
            {"kind": "savings"},
            {"currency": "XYZ"},
            {"text": "x" * 201},
            {"colour": "red"},
        ],
    )
    def test_refuses_bad_or_unknown_parameters_with_422(self, client, query):
        response = client.get(f"{BASE}/accounts", query)

        assert response.status_code == 422
        assert error_code(response) == "validation_error"


class TestAccountCloseAndReopen:
    def test_a_closed_account_takes_no_transfers_until_it_is_reopened(self, client, bank, wallet):
        closed = client.post(f"{BASE}/accounts/{wallet['id']}/close")

        assert closed.status_code == 200
        assert closed.json()["closed"] is True
        assert transfer(client, bank, wallet, "1.00") == "account_closed"

        reopened = client.post(f"{BASE}/accounts/{wallet['id']}/reopen")

        assert reopened.json()["closed"] is False
        assert transfer(client, bank, wallet, "1.00") == "ok"

    def test_closing_twice_is_harmless(self, client, wallet):
        client.post(f"{BASE}/accounts/{wallet['id']}/close")

        again = client.post(f"{BASE}/accounts/{wallet['id']}/close")

        assert again.status_code == 200
        assert again.json()["closed"] is True

    def test_an_unknown_account_answers_404(self, client):
        response = client.post(f"{BASE}/accounts/{uuid.uuid4()}/close")

        assert response.status_code == 404
        assert error_code(response) == "account_not_found"

    def test_needs_the_write_scope(self, reader, wallet):
        assert reader.post(f"{BASE}/accounts/{wallet['id']}/close").status_code == 403
        assert reader.post(f"{BASE}/accounts/{wallet['id']}/reopen").status_code == 403


class TestAccountHistory:
    def test_lists_transfers_newest_first_with_the_running_balance(self, client, bank, wallet):
        transfer(client, bank, wallet, "100.00", code="topup")
        transfer(client, wallet, bank, "25.00", code="withdrawal")

        response = client.get(f"{BASE}/accounts/{wallet['id']}/history")

        assert response.status_code == 200
        entries = response.json()["entries"]
        assert [(e["code"], e["side"], e["amount"]) for e in entries] == [
            ("withdrawal", "debit", "25.00"),
            ("topup", "credit", "100.00"),
        ]
        assert [e["balances_after"]["net"] for e in entries] == ["75.00", "100.00"]
        assert entries[0]["other_account_id"] == bank["id"]
        assert response.json()["next_before_seq"] is None

    def test_pages_backwards_with_next_before_seq(self, client, bank, wallet):
        for amount in ("1.00", "2.00", "3.00", "4.00", "5.00"):
            transfer(client, bank, wallet, amount)

        first = client.get(f"{BASE}/accounts/{wallet['id']}/history", {"limit": 2}).json()
        second = client.get(
            f"{BASE}/accounts/{wallet['id']}/history",
            {"limit": 2, "before_seq": first["next_before_seq"]},
        ).json()

        assert [e["amount"] for e in first["entries"]] == ["5.00", "4.00"]
        assert [e["amount"] for e in second["entries"]] == ["3.00", "2.00"]
        assert second["next_before_seq"] is not None

    def test_an_unknown_account_answers_404(self, client):
        assert client.get(f"{BASE}/accounts/{uuid.uuid4()}/history").status_code == 404

    def test_refuses_a_negative_cursor(self, client, wallet):
        response = client.get(f"{BASE}/accounts/{wallet['id']}/history", {"before_seq": -1})

        assert response.status_code == 422


class TestAccountStatement:
    def test_opening_closing_and_period_totals_over_business_dates(self, client, bank, wallet):
        for day, amount in (
            (date(2025, 1, 31), 10_000),
            (date(2025, 2, 3), 2_000),
            (date(2025, 2, 20), 500),
            (date(2025, 3, 1), 7_000),
        ):
            _post_at(
                bank,
                wallet,
                amount,
                now=datetime.combine(day, datetime.min.time(), UTC),
                business_date=day,
            )

        response = client.get(
            f"{BASE}/accounts/{wallet['id']}/statement",
            {"from_date": "2025-02-01", "to_date": "2025-02-28"},
        )

        assert response.status_code == 200
        statement = response.json()
        assert statement["opening"]["net"] == "100.00"
        assert statement["credits_posted_total"] == "25.00"
        assert statement["debits_posted_total"] == "0.00"
        assert statement["closing"]["net"] == "125.00"
        assert [e["amount"] for e in statement["entries"]] == ["20.00", "5.00"]
        assert statement["account"]["id"] == wallet["id"]

    @pytest.mark.parametrize(
        ("from_date", "to_date"),
        [("2025-03-01", "2025-02-01"), ("2024-01-01", "2025-01-01")],  # backwards; 367 days
    )
    def test_refuses_a_backwards_or_longer_than_366_day_period_with_400(
        self, client, wallet, from_date, to_date
    ):
        response = client.get(
            f"{BASE}/accounts/{wallet['id']}/statement",
            {"from_date": from_date, "to_date": to_date},
        )

        assert response.status_code == 400
        assert error_code(response) == "statement_period_invalid"

    def test_a_full_leap_year_is_allowed(self, client, wallet):
        response = client.get(
            f"{BASE}/accounts/{wallet['id']}/statement",
            {"from_date": "2024-01-01", "to_date": "2024-12-31"},
        )

        assert response.status_code == 200

    def test_needs_both_dates(self, client, wallet):
        response = client.get(
            f"{BASE}/accounts/{wallet['id']}/statement", {"from_date": "2025-02-01"}
        )

        assert response.status_code == 422
        locations = [e["loc"] for e in response.json()["error"]["details"]["errors"]]
        assert ["query", "to_date"] in locations


class TestAuthentication:
    def test_without_a_key_answers_401(self, client):
        response = client.get(f"{BASE}/accounts", headers={"authorization": ""})

        assert response.status_code == 401
        assert error_code(response) == "unauthenticated"

    def test_with_an_unknown_key_answers_401(self, client):
        response = client.get(
            f"{BASE}/accounts", headers={"authorization": "Bearer hk_nothing_here"}
        )

        assert response.status_code == 401

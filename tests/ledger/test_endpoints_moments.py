"""Moments cross the API as stored, to the microsecond: a transfer's ``created_at`` as the API
shows it, passed back as ``as_of``, takes in that transfer and nothing after it."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest

BASE = "/api/v1/ledger"
# Below the millisecond: the part a millisecond display would drop.
RECORDED_AT = datetime(2025, 1, 10, 2, 0, 0, 123_456, tzinfo=UTC)


@pytest.fixture
def reader(api_client):
    return api_client("ledger:read", name="reader")


@pytest.fixture
def wallet(db):
    account, _ = account_create(
        currency="CNY", code="2001.wallet", kind="liability", actor=SYSTEM, now=RECORDED_AT
    )
    return account


@pytest.fixture
def bank(db):
    account, _ = account_create(
        currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=RECORDED_AT
    )
    return account


def post_at(debit, credit, amount_minor: int, now: datetime) -> uuid.UUID:
    request = TransferRequest(
        id=uuid.uuid4(), kind="single", debit_account_id=debit.id,
        credit_account_id=credit.id, amount=amount_minor, code="test",
    )  # fmt: skip
    (result,) = transfers_create(
        transfers=[request], actor=SYSTEM, now=now, business_date=date(2025, 1, 10)
    )
    assert result.ok, result
    return request.id


class TestCreatedAtPrecision:
    def test_a_transfer_s_displayed_created_at_as_as_of_includes_that_transfer(
        self, reader, bank, wallet
    ):
        transfer_id = post_at(bank, wallet, 10_000, RECORDED_AT)
        post_at(bank, wallet, 5_000, RECORDED_AT + timedelta(microseconds=1))
        shown = reader.get(f"{BASE}/transfers/{transfer_id}").json()["created_at"]

        response = reader.get(f"{BASE}/accounts/{wallet.id}", {"as_of": shown})

        assert response.status_code == 200
        assert response.json()["balances"]["credits_posted"] == "100.00"

    def test_moments_show_in_utc_to_the_microsecond_as_stored(self, reader, bank, wallet):
        transfer_id = post_at(bank, wallet, 10_000, RECORDED_AT)

        transfer = reader.get(f"{BASE}/transfers/{transfer_id}").json()
        history = reader.get(f"{BASE}/accounts/{wallet.id}/history").json()
        account = reader.get(
            f"{BASE}/accounts/{wallet.id}", {"as_of": "2025-01-10T10:00:00.123456+08:00"}
        ).json()

        assert transfer["created_at"] == "2025-01-10T02:00:00.123456Z"
        assert history["entries"][0]["created_at"] == "2025-01-10T02:00:00.123456Z"
        assert account["created_at"] == "2025-01-10T02:00:00.123456Z"
        assert account["balances_as_of"] == "2025-01-10T02:00:00.123456Z"

    def test_a_whole_second_still_shows_six_decimals(self, reader, bank, wallet):
        transfer_id = post_at(bank, wallet, 100, RECORDED_AT.replace(microsecond=0))

        shown = reader.get(f"{BASE}/transfers/{transfer_id}").json()["created_at"]

        assert shown == "2025-01-10T02:00:00.000000Z"

"""An identical retry always answers ``exists``, whatever numbers its metadata holds.

PostgreSQL keeps metadata as jsonb, whose numbers are decimals: ``1e23`` comes back as the
integer ``100000000000000000000000``, ``1.5e300`` as a 301-digit integer, ``1e16`` as an integer
and ``-0.0`` as ``0.0``, where SQLite gives back the text it was given. A retry compares what it
asks for with what is stored as JSON numbers compare, by decimal value, so resending the same
request answers ``exists`` on both databases and both transfer paths (and the same account
answers 200, not 409).
"""

import json
import uuid

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger import store
from hujin.ledger.errors import Result
from hujin.ledger.services import account_create

METADATA = {
    "1e23": {"n": 1e23},
    "1e16": {"n": 1e16},
    "1.5e300": {"n": 1.5e300},
    "-0.0": {"n": -0.0},
    "2**70 as a float": {"n": float(2**70)},
    "small and fractional": {"n": [1e-7, 0.1, 123456.789, -2.5e-300]},
    "nested": {"a": [1e23, {"b": 1.5e300, "c": [-0.0, 1e16, True, None, "1e23"]}], "d": 2**70},
}
PARAMS = [pytest.param(value, id=name) for name, value in METADATA.items()]


@pytest.fixture
def accounts(book):
    return book.open("1001.bank", kind="asset"), book.open("2101.merchant")


def copy(request):
    """The same request, rebuilt from its JSON as a client resending it would."""
    again = type(request)(**{name: getattr(request, name) for name in request.__slots__})
    again.metadata = json.loads(json.dumps(request.metadata))
    return again


class TestARetriedBatch:
    @pytest.mark.parametrize("metadata", PARAMS)
    def test_answers_exists_for_every_transfer(self, book, accounts, metadata):
        bank, merchant = accounts
        batch = [
            book.single(bank, merchant, 100, metadata=metadata),
            book.pending(bank, merchant, 200, metadata=metadata),
            book.single(bank, merchant, 300, metadata=metadata),
        ]
        assert book.apply(*batch) == [Result.OK] * 3

        assert book.apply(*[copy(r) for r in batch]) == [Result.EXISTS] * 3

    @pytest.mark.parametrize("metadata", PARAMS)
    def test_a_post_of_a_hold_answers_exists(self, book, accounts, metadata):
        bank, merchant = accounts
        hold = book.pending(bank, merchant, 100)
        post = book.post(hold, metadata=metadata)
        assert book.apply(hold, post) == [Result.OK, Result.OK]

        assert book.apply(copy(post)) == [Result.EXISTS]


class TestARetriedSingleTransfer:
    """A batch of one: on PostgreSQL the database function compares, else the engine."""

    @pytest.mark.parametrize("metadata", PARAMS)
    @pytest.mark.parametrize("path", ["as sent", "through the engine"])
    def test_answers_exists(self, book, accounts, metadata, path, monkeypatch):
        if path == "through the engine":
            monkeypatch.setattr(store, "can_create_one", lambda request: False)
        bank, merchant = accounts
        payment = book.single(bank, merchant, 100, metadata=metadata)
        assert book.apply(payment) == [Result.OK]

        assert book.apply(copy(payment)) == [Result.EXISTS]

    @pytest.mark.parametrize("metadata", PARAMS)
    def test_recorded_by_a_batch_and_retried_alone_answers_exists(self, book, accounts, metadata):
        bank, merchant = accounts
        payment = book.single(bank, merchant, 100, metadata=metadata)
        assert book.apply(payment, book.single(bank, merchant, 1)) == [Result.OK, Result.OK]

        assert book.apply(copy(payment)) == [Result.EXISTS]

    def test_a_different_number_still_answers_exists_with_different_fields(self, book, accounts):
        bank, merchant = accounts
        payment = book.single(bank, merchant, 100, metadata={"n": 1e23})
        assert book.apply(payment) == [Result.OK]
        again = copy(payment)
        again.metadata = {"n": 1.0000000000000001e23}  # the next float up

        assert book.apply(again) == [Result.EXISTS_WITH_DIFFERENT_FIELDS]


class TestARetriedAccount:
    @pytest.mark.parametrize("metadata", PARAMS)
    def test_the_same_account_is_found_not_refused(self, book, metadata):
        fields = {"currency": "CNY", "code": "2001.wallet", "kind": "liability"}
        account, created = account_create(
            id=uuid.uuid4(), metadata=metadata, actor=SYSTEM, now=book.now, **fields
        )
        assert created

        again, created = account_create(
            id=account.id,
            metadata=json.loads(json.dumps(metadata)),
            actor=SYSTEM,
            now=book.now,
            **fields,
        )

        assert (again.id, created) == (account.id, False)


class TestTheApi:
    TRANSFER = (
        '{"id": "%s", "kind": "single", "debit_account_id": "%s", "credit_account_id": "%s",'
        ' "amount": "1.00", "currency": "CNY", "code": "p2p",'
        ' "metadata": {"a": 1e23, "b": 1E16, "c": 1.5e300, "d": -0.0, "e": [1e23]}}'
    )

    @pytest.mark.parametrize("size", [1, 2], ids=["alone", "in a batch"])
    def test_a_byte_identical_request_answers_exists(self, api_client, book, accounts, size):
        client = api_client("ledger:read", "ledger:write", name="retries")
        transfers = [self.TRANSFER % (uuid.uuid4(), *accounts) for _ in range(size)]
        body = '{"transfers": [' + ", ".join(transfers) + "]}"

        def send() -> list[str]:
            response = client.post("/api/v1/ledger/transfers", body)
            assert response.status_code == 200, response.json()
            return [r["result"] for r in response.json()["results"]]

        assert send() == [Result.OK] * size
        assert send() == [Result.EXISTS] * size

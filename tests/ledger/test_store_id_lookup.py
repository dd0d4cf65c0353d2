# ruff: noqa: F811 -- the fixtures imported from test_services_transfers_create are arguments
"""A batch whose ids all sort after every stored and burnt id skips looking them up; any other
batch looks them up, so idempotency answers stay the same."""

import uuid

import pytest

from hujin.core.ids import new_id
from hujin.ledger.errors import Result
from hujin.ledger.store import load
from tests.ledger.test_services_transfers_create import alice, bank  # noqa: F401 -- fixtures

# Sorts after every UUIDv7 made this century: its first bit is set.
LATE = 2**127


@pytest.fixture
def looked_up(monkeypatch):
    """The ids each lookup of transfers and burnt ids asked for."""
    asked: list[set[uuid.UUID]] = []
    real = load._load_transfers_and_failures

    def spy(cursor, d, ids):
        asked.append(set(ids))
        return real(cursor, d, ids)

    monkeypatch.setattr(load, "_load_transfers_and_failures", spy)
    return asked


def test_new_time_ordered_ids_are_applied_without_looking_them_up(book, bank, alice, looked_up):
    book.apply(book.single(bank, alice, 100, id=new_id()))
    batch = [book.single(bank, alice, 100, id=new_id()) for _ in range(40)]

    assert book.apply(*batch) == [Result.OK] * 40

    assert not any(ids & {r.id for r in batch} for ids in looked_up)


def test_an_older_id_in_the_batch_is_looked_up_and_answers_exists(book, bank, alice, looked_up):
    first = book.single(bank, alice, 100, id=new_id())
    book.apply(first)
    again = book.single(bank, alice, 100, id=first.id)

    results = book.apply(book.single(bank, alice, 5, id=new_id()), again)

    assert results == [Result.OK, Result.EXISTS]
    assert any(first.id in ids for ids in looked_up)


def test_random_ids_are_looked_up(book, bank, alice, looked_up):
    book.apply(book.single(bank, alice, 100, id=uuid.UUID(int=LATE)))
    batch = [book.single(bank, alice, 1, id=uuid.UUID(int=LATE - n)) for n in range(1, 4)]

    assert book.apply(*batch) == [Result.OK] * 3

    assert any(ids >= {r.id for r in batch} for ids in looked_up)


@pytest.mark.parametrize("size", [1, 40], ids=["alone", "in a batch"])
def test_a_burnt_id_newer_than_every_transfer_still_answers_id_already_failed(
    book, bank, alice, size
):
    burnt = uuid.UUID(int=LATE + 7)
    assert book.apply(book.single(alice, bank, 1, id=burnt)) == [Result.EXCEEDS_CREDITS]
    newer = [book.single(bank, alice, 1, id=uuid.UUID(int=LATE + 8 + n)) for n in range(size - 1)]

    results = book.apply(book.single(bank, alice, 1, id=burnt), *newer)

    assert results == [Result.ID_ALREADY_FAILED] + [Result.OK] * (size - 1)


def test_an_id_between_the_newest_transfer_and_the_newest_burnt_id_is_applied(book, bank, alice):
    assert book.apply(book.single(alice, bank, 1, id=uuid.UUID(int=LATE + 9))) == [
        Result.EXCEEDS_CREDITS
    ]

    assert book.apply(book.single(bank, alice, 1, id=uuid.UUID(int=LATE + 3))) == [Result.OK]

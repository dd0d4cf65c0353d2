"""Every transfer records who made it and the call it came in, so an auditor can answer "who
made transfer X" from the ledger and the audit log alone.

``actor_kind`` and ``actor_id`` are the acting ``Actor``'s; ``batch_id`` is shared by every
transfer of one ``transfers_create`` call (or expiry run) and is that call's audit entry's target
id and its outbox event's aggregate id and ``batch_id``. Both write paths (the engine and, on
PostgreSQL, the single-transfer function) and the streaming COPY record the same.
"""

import pytest

from hujin.core.actors import Actor, system_actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.ledger import store
from hujin.ledger.errors import Result
from hujin.ledger.models import Transfer
from hujin.ledger.services import pending_transfers_expire, transfers_create

PAYMENTS = Actor(kind="api_key", id="7f3a2c", label="payments")


@pytest.fixture
def accounts(book):
    return book.open("1001.bank", kind="asset"), book.open("2101.merchant")


def send(book, *requests, actor=PAYMENTS) -> list[str]:
    results = transfers_create(
        transfers=list(requests), actor=actor, now=book.now, business_date=book.business_date
    )
    return [r.result for r in results]


def who_made(transfer_id) -> tuple[str, str, str, str]:
    """What the ledger and the audit log say about a transfer: its actor and its call's."""
    transfer = Transfer.objects.get(id=transfer_id)
    entry = AuditEntry.objects.get(target_type="ledger.batch", target_id=str(transfer.batch_id))
    return transfer.actor_kind, transfer.actor_id, entry.actor_kind, entry.actor_id


def batch_of(transfer_id) -> str:
    return str(Transfer.objects.get(id=transfer_id).batch_id)


class TestTransfersCreate:
    @pytest.mark.parametrize("size", [1, 2, store.COPY_THRESHOLD], ids=["one", "two", "streamed"])
    def test_each_transfer_names_the_actor_and_the_call_its_audit_entry_and_event_name(
        self, book, accounts, size
    ):
        bank, merchant = accounts
        requests = [book.single(bank, merchant, 100 + i) for i in range(size)]

        assert send(book, *requests) == [Result.OK] * size

        batches = {batch_of(r.id) for r in requests}
        assert len(batches) == 1
        [batch_id] = batches
        assert who_made(requests[-1].id) == ("api_key", "7f3a2c", "api_key", "7f3a2c")
        event = OutboxEvent.objects.get(event_type="ledger.transfers_created")
        assert (event.aggregate_id, event.payload["batch_id"]) == (batch_id, batch_id)
        assert event.payload["transfer_ids"] == [str(r.id) for r in requests]

    def test_the_single_transfer_path_records_them_as_the_engine_does(
        self, book, accounts, monkeypatch
    ):
        bank, merchant = accounts
        fast, slow = book.single(bank, merchant, 100), book.single(bank, merchant, 200)

        assert send(book, fast) == [Result.OK]
        with monkeypatch.context() as patch:
            patch.setattr(store, "can_create_one", lambda request: False)
            assert send(book, slow) == [Result.OK]

        assert who_made(fast.id) == who_made(slow.id) == ("api_key", "7f3a2c") * 2
        assert batch_of(fast.id) != batch_of(slow.id)

    def test_an_actor_id_is_cut_as_the_audit_log_cuts_it(self, book, accounts):
        bank, merchant = accounts
        long = Actor(kind="integration-partner", id="x" * 80)
        payment = book.single(bank, merchant, 100)

        assert send(book, payment, actor=long) == [Result.OK]

        kind, actor_id, audit_kind, audit_id = who_made(payment.id)
        assert (kind, actor_id) == (audit_kind, audit_id) == ("integration-part", "x" * 64)

    def test_a_hold_released_by_a_late_post_names_the_call_that_found_it_expired(
        self, book, accounts
    ):
        bank, merchant = accounts
        hold = book.pending(bank, merchant, 100, timeout_seconds=5)
        assert send(book, hold) == [Result.OK]
        book.advance(5)
        late = book.post(hold)

        assert send(book, late) == [Result.PENDING_TRANSFER_EXPIRED]

        [expiry] = Transfer.objects.filter(kind="expire_pending")
        assert who_made(expiry.id) == ("api_key", "7f3a2c") * 2


class TestPendingTransfersExpire:
    @pytest.mark.parametrize("holds", [1, store.COPY_THRESHOLD], ids=["one", "streamed"])
    def test_an_expiry_run_records_the_system_actor_and_its_own_batch(self, book, accounts, holds):
        bank, merchant = accounts
        requests = [book.pending(bank, merchant, 100, timeout_seconds=5) for _ in range(holds)]
        assert send(book, *requests) == [Result.OK] * holds
        book.advance(5)

        expired = pending_transfers_expire(
            now=book.now, business_date=book.business_date, actor=system_actor("ledger")
        )

        assert expired == holds
        expiries = list(Transfer.objects.filter(kind="expire_pending"))
        assert {(t.actor_kind, t.actor_id) for t in expiries} == {("system", "ledger")}
        assert len({t.batch_id for t in expiries}) == 1
        assert who_made(expiries[0].id) == ("system", "ledger") * 2
        assert batch_of(expiries[0].id) != batch_of(requests[0].id)

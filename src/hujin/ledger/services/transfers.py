"""Writes of transfers: every money movement in Hujin goes through ``transfers_create``."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_append, audit_prepare, content_hash_of
from hujin.core.events import event_emit
from hujin.core.gc_pause import gc_paused
from hujin.core.ids import new_id
from hujin.ledger import store
from hujin.ledger.errors import BatchEmpty, BatchTooLarge, Result, TransferInvalid
from hujin.ledger.models import Transfer
from hujin.ledger.services._retries import with_retries
from hujin.ledger.types import TransferRequest, TransferResult
from hujin.ledger.validation import transfer_request_problem

MAX_BATCH = 8_000


# -- transfers -----------------------------------------------------------------------------------


def transfers_create(
    *,
    transfers: Sequence[TransferRequest],
    actor: Actor,
    now: datetime,
    business_date: date,
) -> list[TransferResult]:
    """Apply a batch of up to 8,000 transfers in order; one result per transfer.

    Linked chains succeed or fail as a whole; everything else is independent. The batch is one
    database transaction, retried on deadlock, serialisation failure or a concurrent insert of
    the same id. Every transfer it writes records ``actor`` (``actor_kind``, ``actor_id``) and
    the call's ``batch_id``, which is also its audit entry's target id and its outbox event's
    aggregate id (and ``batch_id`` in the payload). Raises BatchEmpty, BatchTooLarge;
    per-transfer problems are result codes.
    """
    if not transfers:
        raise BatchEmpty()
    if len(transfers) > MAX_BATCH:
        raise BatchTooLarge(details={"size": len(transfers), "max": MAX_BATCH})
    for index, request in enumerate(transfers):
        problem = transfer_request_problem(request)
        if problem is not None:
            raise TransferInvalid(problem[1], details={"index": index, "field": problem[0]})

    if len(transfers) == 1 and store.can_create_one(transfers[0]):
        request = transfers[0]
        code = with_retries(
            lambda: _create_one(request, actor=actor, now=now, business_date=business_date)
        )
        return [TransferResult(request.id, code)]

    def attempt() -> list[TransferResult]:
        with transaction.atomic():
            engine = store.load_engine(transfers, now=now)
            record = _BatchRecord(engine, actor=actor, now=now, business_date=business_date)
            # The record is made while the database finishes writing the transfers.
            codes = store.apply(
                engine, transfers, business_date=business_date, now=now,
                made_by=record.made_by, meanwhile=record.make,
            )  # fmt: skip
            record.write()
        return [TransferResult(r.id, code) for r, code in zip(transfers, codes, strict=True)]

    with gc_paused():  # a batch makes no reference cycles; see hujin.core.gc_pause
        return with_retries(attempt)


def transfers_chain(
    *,
    transfers: Sequence[TransferRequest],
    actor: Actor,
    now: datetime,
    business_date: date,
) -> str:
    """Apply ``transfers`` as one linked chain (every one but the last marked ``linked``): all
    of them or none. Returns ``ok`` when every transfer was written now or before (``exists``:
    a retry of a chain already booked), else the first refusal's result code - the one that
    failed the chain, not the ``linked_event_failed`` of its companions. An empty chain is
    ``ok``. Raises what ``transfers_create`` raises."""
    if not transfers:
        return Result.OK
    for request in transfers[:-1]:
        request.linked = True
    results = transfers_create(transfers=transfers, actor=actor, now=now,
                               business_date=business_date)  # fmt: skip
    codes = [r.result for r in results]
    if all(code in (Result.OK, Result.EXISTS) for code in codes):
        return Result.OK
    # A retry: the first transfer that exists fails the chain and its companions with it
    # (``linked_event_failed``); booked before when every one of them exists.
    retried = (Result.EXISTS, Result.LINKED_EVENT_FAILED)
    if Result.EXISTS in codes and all(code in retried for code in codes):
        ids = [request.id for request in transfers]
        if Transfer.objects.filter(id__in=ids).count() == len(ids):
            return Result.OK
    return next(
        (c for c in codes if c not in (Result.OK, Result.EXISTS, Result.LINKED_EVENT_FAILED)),
        codes[0],
    )


def pending_transfers_expire(
    *, now: datetime, business_date: date, actor: Actor, limit: int = 1000
) -> int:
    """Void every pending transfer whose timeout has passed; returns how many were expired.

    The expiries record ``actor`` (the COB and the every-minute task pass the ledger's system
    actor) and each run's batch id, as ``transfers_create`` does."""
    total = 0
    while True:

        def attempt() -> int:
            with transaction.atomic():
                engine, due = store.load_expiry_engine(now=now, limit=limit)
                record = _BatchRecord(engine, actor=actor, now=now, business_date=business_date)
                store.expire(
                    engine, due, business_date=business_date, now=now,
                    made_by=record.made_by, meanwhile=record.make,
                )  # fmt: skip
                record.write()
                return len(due)

        expired = with_retries(attempt)
        total += expired
        if expired < limit:
            return total


def _create_one(
    request: TransferRequest, *, actor: Actor, now: datetime, business_date: date
) -> str:
    """One single or pending transfer in one database call (PostgreSQL): see store.create_one."""
    return store.create_one(request, **_one_call(request, actor, now, business_date))


def _one_call(request: TransferRequest, actor: Actor, now: datetime, business_date: date) -> dict:
    batch_id = str(new_id())  # the function writes it on the transfer, with audit's actor
    created = [request.id]
    audit, applied_hash = audit_prepare(
        actor=actor, action=BATCH_ACTION, target_type=BATCH_TARGET, target_id=batch_id,
        occurred_at=now, after=_batch_audit_after(created, 0, business_date),
    )  # fmt: skip
    burnt = {**audit, "after": _batch_audit_after([], 1, business_date)}
    return {
        "business_date": business_date,
        "now": now,
        "audit_applied": (audit, applied_hash),
        "audit_burnt": (burnt, content_hash_of(burnt)),
        "event_id": new_id(),
        "event_type": BATCH_EVENT,
        "event_payload": _batch_event_payload(created, business_date, batch_id),
    }


@dataclass(frozen=True, slots=True)
class TransferOneCall:
    """One transfer made ready for ``ledger_transfer_create_one`` (ledger migrations 0004-0007),
    for a database function of a module above that books it together with its own rows in one
    statement: ``params`` are the function's 30 arguments in order, ``audit_chain`` the audit
    chain its entry goes on (that function's own entries go on the same one)."""

    params: list
    audit_chain: int


def transfer_one_call(
    *, transfer: TransferRequest, actor: Actor, now: datetime, business_date: date
) -> TransferOneCall | None:
    """``transfer`` ready to be made by ``ledger_transfer_create_one`` inside another database
    function, exactly as ``transfers_create`` would make it alone (its batch, audit entry and
    event); None when that function cannot make it (not PostgreSQL, a linked or two-phase
    transfer): use ``transfers_create`` then. Raises TransferInvalid as ``transfers_create``.
    The caller dispatches the outbox after its statement (``hujin.core.events``)."""
    problem = transfer_request_problem(transfer)
    if problem is not None:
        raise TransferInvalid(problem[1], details={"index": 0, "field": problem[0]})
    if not store.can_create_one(transfer):
        return None
    prepared = _one_call(transfer, actor, now, business_date)
    return TransferOneCall(
        params=store.create_one_params(transfer, **prepared),
        audit_chain=prepared["audit_applied"][0]["chain"],
    )


def transfer_resolve_one_call(
    *, transfer: TransferRequest, actor: Actor, now: datetime, business_date: date
) -> TransferOneCall | None:
    """A post or void of a whole pending transfer made ready for ``ledger_transfer_resolve_one``
    (ledger migration 0011) inside another database function, as ``transfer_one_call`` makes a
    creation ready: ``params`` are its 23 arguments. That function applies the clean path only
    and returns ``'engine'``, having written nothing, for anything the engine would refuse or
    must record: the caller's statement then rolls back and it calls ``transfers_create``.
    None when it cannot be made so (not PostgreSQL, a linked, partial or account-naming
    resolution)."""
    if not store.can_resolve_one(transfer):
        return None
    prepared = _one_call(transfer, actor, now, business_date)
    return TransferOneCall(
        params=store.resolve_one_params(transfer, **prepared),
        audit_chain=prepared["audit_applied"][0]["chain"],
    )


class _BatchRecord:
    """A batch's audit entry and, when it created transfers, its outbox event: made (in Python)
    once the engine is done, written after the transfers."""

    def __init__(self, engine, *, actor: Actor, now: datetime, business_date: date):
        self.engine, self.actor, self.now, self.business_date = engine, actor, now, business_date
        # Known before the engine runs: a large batch streams its rows while it decides.
        self.made_by = store.Provenance.of(actor, new_id())
        self.batch_id = str(self.made_by.batch_id)
        self.audit: tuple[dict, str] | None = None
        self.event: dict | None = None

    def make(self) -> None:
        engine = self.engine
        if not (engine.created or engine.new_failures):
            return
        created = [n.stored.id for n in engine.created]
        self.audit = audit_prepare(
            actor=self.actor, action=BATCH_ACTION, target_type=BATCH_TARGET,
            target_id=self.batch_id, occurred_at=self.now,
            after=_batch_audit_after(created, len(engine.new_failures), self.business_date),
        )  # fmt: skip
        if created:
            self.event = _batch_event_payload(created, self.business_date, self.batch_id)

    def write(self) -> None:
        if self.audit is not None:
            audit_append(*self.audit)
        if self.event is not None:
            event_emit(aggregate_type=BATCH_TARGET, aggregate_id=self.batch_id,
                       event_type=BATCH_EVENT, occurred_at=self.now,
                       payload=self.event)  # fmt: skip


BATCH_ACTION = "ledger.transfers_create"
BATCH_TARGET = "ledger.batch"  # also the event's aggregate type
BATCH_EVENT = "ledger.transfers_created"


def _batch_audit_after(created: list[uuid.UUID], failed: int, business_date: date) -> dict:
    return {
        "created": len(created),
        "failed": failed,
        "business_date": business_date.isoformat(),
        "first_id": str(created[0]) if created else None,
    }


def _batch_event_payload(created: list[uuid.UUID], business_date: date, batch_id: str) -> dict:
    # Ids only: a consumer reads the transfers it cares about (transfers_get_many).
    return {
        "batch_id": batch_id,
        "business_date": business_date.isoformat(),
        "count": len(created),
        "transfer_ids": [str(i) for i in created],
    }

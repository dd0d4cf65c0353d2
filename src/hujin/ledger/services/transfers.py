"""Writes to the ledger. Every money movement in Hujin goes through ``transfers_create``."""

import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_append, audit_prepare, audit_record, content_hash_of
from hujin.core.events import event_emit
from hujin.core.gc_pause import gc_paused
from hujin.core.ids import new_id
from hujin.core.money import currency_exponent
from hujin.ledger import store
from hujin.ledger.errors import (
    AccountExistsWithDifferentFields,
    AccountInvalid,
    AccountNotFound,
    BatchEmpty,
    BatchTooLarge,
    TransferInvalid,
)
from hujin.ledger.models import Account, AccountKind
from hujin.ledger.types import TransferRequest, TransferResult
from hujin.ledger.validation import CODE_RE, metadata_problem, transfer_request_problem

logger = logging.getLogger(__name__)

MAX_BATCH = 8_000
MAX_ATTEMPTS = 12
T = TypeVar("T")


# -- accounts ------------------------------------------------------------------------------------


def account_create(
    *,
    currency: str,
    code: str,
    kind: str,
    actor: Actor,
    now: datetime,
    id: uuid.UUID | None = None,
    name: str = "",
    owner_ref: str = "",
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
    metadata: dict[str, Any] | None = None,
) -> tuple[Account, bool]:
    """Open a ledger account; returns (account, created).

    Idempotent on ``id``: the same id with the same fields returns the existing account.
    Raises AccountInvalid, AccountExistsWithDifferentFields.
    """
    currency_exponent(currency)  # raises InvalidCurrency
    if kind not in AccountKind.values:
        raise AccountInvalid("Unknown account kind.", details={"kind": kind})
    if not CODE_RE.match(code or ""):
        raise AccountInvalid(
            "Code must be 1-64 letters, digits or _.:- characters.", details={"code": code}
        )
    if debits_must_not_exceed_credits and credits_must_not_exceed_debits:
        raise AccountInvalid("An account takes at most one balance-limit flag.")
    for field_name, value in (("name", name), ("owner_ref", owner_ref)):
        limit = Account._meta.get_field(field_name).max_length
        if not isinstance(value, str) or len(value) > limit:
            raise AccountInvalid(
                f"{field_name} is text of at most {limit} characters.",
                details={"field": field_name},
            )
    problem = metadata_problem(metadata or {})
    if problem:
        raise AccountInvalid(problem, details={"field": "metadata"})
    fields = {
        "currency": currency,
        "code": code,
        "kind": kind,
        "name": name,
        "owner_ref": owner_ref,
        "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
        "metadata": metadata or {},
    }
    account_id = id or new_id()

    def attempt() -> tuple[Account, bool]:
        with transaction.atomic():
            existing = Account.objects.filter(id=account_id).first()
            if existing is not None:
                if any(getattr(existing, k) != v for k, v in fields.items()):
                    raise AccountExistsWithDifferentFields(details={"id": str(account_id)})
                return existing, False
            account = Account.objects.create(
                id=account_id, number=store.next_account_number(), created_at=now, **fields
            )
            after = {k: v for k, v in fields.items() if k != "metadata"}
            audit_record(actor=actor, action="ledger.account_create", target_type="ledger.account",
                         target_id=str(account.id), occurred_at=now, after=after)  # fmt: skip
            event_emit(aggregate_type="ledger.account", aggregate_id=str(account.id),
                       event_type="ledger.account_created", occurred_at=now,
                       payload={"id": str(account.id), **after})  # fmt: skip
            return account, True

    return _with_retries(attempt)


def account_set_closed(
    *, account_id: uuid.UUID, closed: bool, actor: Actor, now: datetime
) -> Account:
    """Close an account (no new transfers; pending ones may still be voided) or reopen it.

    Raises AccountNotFound.
    """

    def attempt() -> Account:
        with transaction.atomic():
            account = Account.objects.select_for_update().filter(id=account_id).first()
            if account is None:
                raise AccountNotFound(details={"id": str(account_id)})
            if account.closed == closed:
                return account
            account.closed = closed
            account.save(update_fields=["closed"])
            action = "ledger.account_close" if closed else "ledger.account_reopen"
            audit_record(actor=actor, action=action, target_type="ledger.account",
                         target_id=str(account.id), occurred_at=now,
                         before={"closed": not closed}, after={"closed": closed})  # fmt: skip
            event_emit(aggregate_type="ledger.account", aggregate_id=str(account.id),
                       event_type="ledger.account_closed" if closed else "ledger.account_reopened",
                       occurred_at=now, payload={"id": str(account.id)})  # fmt: skip
            return account

    return _with_retries(attempt)


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
    the same id. Raises BatchEmpty, BatchTooLarge; per-transfer problems are result codes.
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
        code = _with_retries(
            lambda: _create_one(request, actor=actor, now=now, business_date=business_date)
        )
        return [TransferResult(request.id, code)]

    def attempt() -> list[TransferResult]:
        with transaction.atomic():
            engine = store.load_engine(transfers, now=now)
            record = _BatchRecord(engine, actor=actor, now=now, business_date=business_date)
            # The record is made while the database finishes writing the transfers.
            codes = store.apply(
                engine, transfers, business_date=business_date, now=now, meanwhile=record.make
            )
            record.write()
        return [TransferResult(r.id, code) for r, code in zip(transfers, codes, strict=True)]

    with gc_paused():  # a batch makes no reference cycles; see hujin.core.gc_pause
        return _with_retries(attempt)


def pending_transfers_expire(
    *, now: datetime, business_date: date, actor: Actor, limit: int = 1000
) -> int:
    """Void every pending transfer whose timeout has passed; returns how many were expired."""
    total = 0
    while True:

        def attempt() -> int:
            with transaction.atomic():
                engine, due = store.load_expiry_engine(now=now, limit=limit)
                record = _BatchRecord(engine, actor=actor, now=now, business_date=business_date)
                store.expire(
                    engine, due, business_date=business_date, now=now, meanwhile=record.make
                )
                record.write()
                return len(due)

        expired = _with_retries(attempt)
        total += expired
        if expired < limit:
            return total


def _create_one(
    request: TransferRequest, *, actor: Actor, now: datetime, business_date: date
) -> str:
    """One single or pending transfer in one database call (PostgreSQL): see store.create_one."""
    batch_id = str(new_id())
    created = [request.id]
    audit, applied_hash = audit_prepare(
        actor=actor, action=BATCH_ACTION, target_type=BATCH_TARGET, target_id=batch_id,
        occurred_at=now, after=_batch_audit_after(created, 0, business_date),
    )  # fmt: skip
    burnt = {**audit, "after": _batch_audit_after([], 1, business_date)}
    return store.create_one(
        request,
        business_date=business_date,
        now=now,
        audit_applied=(audit, applied_hash),
        audit_burnt=(burnt, content_hash_of(burnt)),
        event_id=new_id(),
        event_type=BATCH_EVENT,
        event_payload=_batch_event_payload(created, business_date),
    )


class _BatchRecord:
    """A batch's audit entry and, when it created transfers, its outbox event: made (in Python)
    once the engine is done, written after the transfers."""

    def __init__(self, engine, *, actor: Actor, now: datetime, business_date: date):
        self.engine, self.actor, self.now, self.business_date = engine, actor, now, business_date
        self.batch_id = ""
        self.audit: tuple[dict, str] | None = None
        self.event: dict | None = None

    def make(self) -> None:
        engine = self.engine
        if not (engine.created or engine.new_failures):
            return
        self.batch_id = str(new_id())
        created = [n.stored.id for n in engine.created]
        self.audit = audit_prepare(
            actor=self.actor, action=BATCH_ACTION, target_type=BATCH_TARGET,
            target_id=self.batch_id, occurred_at=self.now,
            after=_batch_audit_after(created, len(engine.new_failures), self.business_date),
        )  # fmt: skip
        if created:
            self.event = _batch_event_payload(created, self.business_date)

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


def _batch_event_payload(created: list[uuid.UUID], business_date: date) -> dict:
    # Ids only: a consumer reads the transfers it cares about (transfers_get_many).
    return {
        "business_date": business_date.isoformat(),
        "count": len(created),
        "transfer_ids": [str(i) for i in created],
    }


# -- retries -------------------------------------------------------------------------------------


def _retryable(exc: Exception) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if isinstance(exc, store.LockedTooLittle):
        return True
    if sqlstate in ("40001", "40P01", "55P03"):  # serialization, deadlock, lock not available
        return True
    if isinstance(exc, IntegrityError):
        # Another writer inserted the same transfer id (or resolved the same pending) first:
        # running again turns it into an ordinary `exists` or `already_*` result.
        return sqlstate == "23505" or "UNIQUE constraint failed" in str(exc)
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def _with_retries(attempt: Callable[[], T]) -> T:
    """Run one transaction, again if it lost a race, as long as we own the transaction."""
    if connection.in_atomic_block:
        return attempt()  # the caller's transaction decides; a retry here could not help
    for n in range(1, MAX_ATTEMPTS + 1):
        try:
            return attempt()
        except (DatabaseError, store.LockedTooLittle) as exc:
            if n == MAX_ATTEMPTS or not _retryable(exc):
                raise
            logger.info("ledger write lost a race, retrying", extra={"attempt": n})
            time.sleep(min(0.002 * 2**n, 0.2) * random.random())
    raise AssertionError("unreachable")

"""Loading what a batch can touch, and locking it, in plain SQL on the hot path.

Runs inside the caller's transaction. Accounts are locked in id order (PostgreSQL
``FOR UPDATE``; SQLite's IMMEDIATE transaction already holds the single write lock), so concurrent
batches never deadlock on each other. The engine (``hujin.ledger.engine``) then decides over the
state loaded here; ``hujin.ledger.store.write`` writes what it decided.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from hujin.core.sql import Dialect, hot_cursor
from hujin.ledger.engine import AccountState, Engine, StoredTransfer
from hujin.ledger.types import TransferRequest

_TRANSFER_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, linked, "
    "timeout_seconds, code, metadata, expires_at"
)


class LockedTooLittle(Exception):
    """A transfer appeared between reading and locking; the batch must start again."""


def load_engine(requests: Sequence[TransferRequest], *, now: datetime) -> Engine:
    """Fetch and lock everything the batch can touch; return an engine over that state."""
    d = Dialect()
    # Sets and dicts of UUIDs are keyed by ``.int`` here: a UUID's hash is Python code, an int's
    # is not, and a batch hashes tens of thousands of them.
    request_ids = _distinct(r.id for r in requests)
    pending_ids = _distinct(r.pending_id for r in requests)
    with hot_cursor(d) as cursor:
        # Pending transfers never change, so their accounts can be read before locking.
        known, _ = _load_transfers_and_failures(cursor, d, pending_ids)
        pendings = [t for t in known.values() if t.kind == "pending"]
        account_ids = _distinct(
            [r.debit_account_id for r in requests]
            + [r.credit_account_id for r in requests]
            + [t.debit_account_id for t in pendings]
            + [t.credit_account_id for t in pendings]
        )
        # The SQL orders the locks; see ID_CLAIM_BUCKETS for the claims on the request ids.
        accounts = _lock_accounts(cursor, d, account_ids, claim_ids=request_ids)
        # Read the ids only now: a writer of the same id that held these locks has committed.
        if pending_ids:
            ids = _distinct(request_ids + pending_ids)
            transfers, failed = _load_transfers_and_failures(cursor, d, ids)
        elif _all_newer_than_any_stored(cursor, d, request_ids):
            transfers, failed = {}, {}
        else:
            transfers, failed = _load_transfers_and_failures(cursor, d, request_ids)
        for t in transfers.values():
            if t.kind == "pending" and not (
                t.debit_account_id in accounts and t.credit_account_id in accounts
            ):
                raise LockedTooLittle()  # a pending committed meanwhile; start again
        _load_pending_status(cursor, d, [t for t in transfers.values() if t.kind == "pending"])
    return Engine(accounts=accounts, transfers=transfers, failed=failed, now=now)


def _all_newer_than_any_stored(cursor, d: Dialect, ids: list[uuid.UUID]) -> bool:
    """Whether every id sorts after every stored transfer id and burnt id, so that none of them
    can be stored: two index probes instead of one per id.

    Time-ordered ids (UUIDv7, as ``new_id`` makes and the API recommends) pass when they are new;
    any other batch, or one repeating an id, takes the full lookup. Both databases order UUIDs as
    their 128-bit numbers (PostgreSQL byte by byte, SQLite as fixed-width lower-case hex).
    """
    d.execute(cursor, _NEWEST_IDS, [])
    stored = [d.uuid_out(i).int for i in cursor.fetchone() if i is not None]
    return not stored or min(i.int for i in ids) > max(stored)


_NEWEST_IDS = (
    "SELECT (SELECT id FROM ledger_transfer ORDER BY id DESC LIMIT 1), "
    "(SELECT id FROM ledger_failedtransfer ORDER BY id DESC LIMIT 1)"
)


def _distinct(ids: Iterable[uuid.UUID | None]) -> list[uuid.UUID]:
    """The ids, without None and repeats, in first-seen order."""
    return list({i.int: i for i in ids if i is not None}.values())


def load_expiry_engine(*, now: datetime, limit: int) -> tuple[Engine, list[StoredTransfer]]:
    """Lock the accounts of up to ``limit`` unresolved pending transfers whose timeout passed."""
    d = Dialect()
    with hot_cursor(d) as cursor:
        cursor.execute(
            f"SELECT {_TRANSFER_COLUMNS} FROM ledger_transfer t "
            "WHERE t.kind = 'pending' AND t.expires_at IS NOT NULL AND t.expires_at <= %s "
            "AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.pending_id = t.id) "
            "ORDER BY t.expires_at, t.id LIMIT %s",
            [d.datetime_in(now), limit],
        )
        pendings = [_stored(d, row) for row in cursor.fetchall()]
        account_ids = sorted(
            {p.debit_account_id for p in pendings} | {p.credit_account_id for p in pendings}
        )
        accounts = _lock_accounts(cursor, d, account_ids)
        # Another worker may have resolved some of them while we waited for the locks.
        _load_pending_status(cursor, d, pendings)
    transfers = {p.id: p for p in pendings}
    engine = Engine(accounts=accounts, transfers=transfers, failed={}, now=now)
    return engine, [p for p in pendings if p.status == "pending"]


def next_account_number() -> int:
    """The number for an account being opened, inside the transaction that opens it: on
    PostgreSQL from ``ledger_account_number_seq``; on SQLite the next after the highest, safe
    because the IMMEDIATE transaction holds the only write lock."""
    d = Dialect()
    with hot_cursor(d) as cursor:
        d.execute(
            cursor,
            "SELECT nextval('ledger_account_number_seq')"
            if d.postgres
            else "SELECT COALESCE(MAX(number), 0) + 1 FROM ledger_account",
            [],
        )
        return cursor.fetchone()[0]


def highest_seq() -> int:
    """The highest ``seq`` of a committed transfer (0 for none). Read under an account's lock, it
    parts that account's history: every transfer on it committed before has a ``seq`` at most
    this, every one after a greater ``seq`` (numbers are taken after the account locks)."""
    d = Dialect()
    with hot_cursor(d) as cursor:
        d.execute(cursor, "SELECT COALESCE(MAX(seq), 0) FROM ledger_transfer", [])
        return cursor.fetchone()[0]


# -- helpers ---------------------------------------------------------------------------------


def _stored(d: Dialect, row: tuple) -> StoredTransfer:
    return StoredTransfer(
        id=d.uuid_out(row[0]),
        kind=row[1],
        debit_account_id=d.uuid_out(row[2]),
        credit_account_id=d.uuid_out(row[3]),
        amount=row[4],
        currency=row[5],
        pending_id=d.uuid_out(row[6]),
        linked=bool(row[7]),
        timeout_seconds=row[8],
        code=row[9],
        metadata=d.json_out(row[10]),
        expires_at=d.datetime_out(row[11]),
        status="pending" if row[1] == "pending" else "",
    )


def _load_transfers_and_failures(
    cursor, d: Dialect, ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, StoredTransfer], dict[uuid.UUID, str]]:
    """The transfers recorded under ``ids`` and the ids that failed for good, in one query."""
    failed_columns = "id, '!failed', NULL, NULL, 0, '', NULL, FALSE, NULL, code, NULL, NULL"
    rows = d.select_in(
        cursor,
        f"SELECT {_TRANSFER_COLUMNS} FROM ledger_transfer WHERE id {{ids}} UNION ALL "
        f"SELECT {failed_columns} FROM ledger_failedtransfer WHERE id {{ids}}",
        ids,
        repeat=2,
    )
    transfers, failed = {}, {}
    for row in rows:
        if row[1] == "!failed":
            failed[d.uuid_out(row[0])] = row[9]
        else:
            transfer = _stored(d, row)
            transfers[transfer.id] = transfer
    return transfers, failed


# Same-id writers that name different accounts do not meet on an account lock, so each request
# id also claims one of ID_CLAIM_BUCKETS transaction-level advisory locks (PostgreSQL), taken in
# bucket order in the same statement, before the account locks. The second writer of an id then
# waits for the first to commit and reads its outcome (`exists` or `id_already_failed`) instead
# of deciding afresh. Buckets bound the locks a batch holds (the shared lock table is finite);
# two unrelated ids share a bucket 1 time in 256, which only makes one wait for the other.
ID_CLAIM_BUCKETS = 256
ID_CLAIM_CLASS = 0x4C47  # the first key of the ledger's advisory locks ("LG")


def _claim_bucket(transfer_id: uuid.UUID) -> int:
    return transfer_id.int % ID_CLAIM_BUCKETS


_ACCOUNT_COLUMNS = (
    "SELECT id, currency, closed, debits_frozen, debits_must_not_exceed_credits, "
    "credits_must_not_exceed_debits, debits_pending, debits_posted, credits_pending, "
    "credits_posted, number FROM ledger_account "
)
_LOCK_ACCOUNTS_CLAIMING_IDS = (
    _ACCOUNT_COLUMNS + "WHERE id = ANY(%b::uuid[]) AND (SELECT count(*) FROM ("
    "SELECT pg_advisory_xact_lock(%s, bucket) FROM unnest(%s::int[]) AS bucket ORDER BY bucket"
    ") AS claims) >= 0 ORDER BY id FOR UPDATE"
)


def _lock_accounts(
    cursor, d: Dialect, ids: list[uuid.UUID], *, claim_ids: Iterable[uuid.UUID] = ()
) -> dict[uuid.UUID, AccountState]:
    if d.postgres and claim_ids and ids:
        buckets = sorted({_claim_bucket(i) for i in claim_ids})
        d.execute(
            cursor,
            _LOCK_ACCOUNTS_CLAIMING_IDS,
            [ids, ID_CLAIM_CLASS, "{" + ",".join(map(str, buckets)) + "}"],
        )
        rows = cursor.fetchall()
    else:
        sql = _ACCOUNT_COLUMNS + "WHERE id {ids} ORDER BY id"
        rows = d.select_in(cursor, sql + (" FOR UPDATE" if d.postgres else ""), ids)
    # SQLite hands ids back as hex text: the UUIDs asked for are reused, not parsed again.
    asked = None if d.postgres else {i.hex: i for i in ids}
    accounts = {}
    for row in rows:
        account_id = row[0] if asked is None else asked.get(row[0]) or d.uuid_out(row[0])
        account = AccountState(account_id, row[1], bool(row[2]), bool(row[3]), bool(row[4]),
                               bool(row[5]), row[6], row[7], row[8], row[9], row[10])  # fmt: skip
        accounts[account_id] = account
    return accounts


def _load_pending_status(cursor, d: Dialect, pendings: Iterable[StoredTransfer]) -> None:
    by_id = {p.id: p for p in pendings}
    rows = d.select_in(
        cursor, "SELECT pending_id, kind FROM ledger_transfer WHERE pending_id {ids}", list(by_id)
    )
    status = {"post_pending": "posted", "void_pending": "voided", "expire_pending": "expired"}
    for pending_id, kind in rows:
        by_id[d.uuid_out(pending_id)].status = status[kind]

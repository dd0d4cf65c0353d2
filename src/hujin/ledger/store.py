"""Loading and writing the ledger's rows for one batch, in plain SQL on the hot path.

Runs inside the caller's transaction. Accounts are locked in id order (PostgreSQL
``FOR UPDATE``; SQLite's IMMEDIATE transaction already holds the single write lock), so concurrent
batches never deadlock on each other.
"""

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import attrgetter
from typing import NamedTuple, TypeVar

from hujin.core.actors import Actor
from hujin.core.events import dispatch_after_commit
from hujin.core.sql import Dialect, hot_cursor
from hujin.ledger.engine import (
    AccountState,
    Engine,
    NewTransfer,
    StoredTransfer,
    creation_problem,
)
from hujin.ledger.types import TransferRequest

_TRANSFER_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, linked, "
    "timeout_seconds, code, metadata, expires_at"
)
_INSERT_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, debit_number, credit_number, currency, "
    "amount, pending_id, linked, timeout_seconds, expires_at, code, metadata, business_date, "
    "created_at, "
    "dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted, "
    "cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted, "
    "actor_kind, actor_id, batch_id, seq"
)
# Without seq: PostgreSQL's column default numbers the rows.
_COPY_COLUMNS = _INSERT_COLUMNS.removesuffix(", seq")
COPY_THRESHOLD = 32
_COPY_SQL = f"COPY ledger_transfer ({_COPY_COLUMNS}) FROM STDIN (FORMAT BINARY)"
_COPY_TYPES = (
    ["uuid", "text", "uuid", "uuid", "int8", "int8", "text", "int8", "uuid", "bool", "int4"]
    # The metadata goes as bytea: jsonb's binary form, see _row_maker.
    + ["timestamptz", "text", "bytea", "date", "timestamptz"]
    + ["int8"] * 8  # both accounts' balances right after the transfer
    + ["text", "text", "uuid"]  # who made it and the call it came in (Provenance)
)


class Provenance(NamedTuple):
    """Who made a call's transfers and the call's batch id: the same on every row it writes, and
    the batch id is also its audit entry's target id and its outbox event's aggregate id."""

    actor_kind: str
    actor_id: str
    batch_id: uuid.UUID

    @classmethod
    def of(cls, actor: Actor, batch_id: uuid.UUID) -> "Provenance":
        # Cut as the audit entry cuts them (hujin.core.audit), so the two always agree.
        return cls(actor.kind[:16], str(actor.id)[:64], batch_id)


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


def can_create_one(request: TransferRequest) -> bool:
    """Whether ``create_one`` can apply this request alone (PostgreSQL; a single or pending
    transfer outside a linked chain). Anything else goes through the engine."""
    return (
        request.kind in CREATION_KINDS
        and not request.linked
        and request.pending_id is None
        and Dialect().postgres
    )


CREATION_KINDS = frozenset({"single", "pending"})
_CREATE_ONE = "SELECT ledger_transfer_create_one(" + ", ".join(["%s"] * 30) + ")"


def create_one(
    r: TransferRequest,
    *,
    business_date: date,
    now: datetime,
    audit_applied: tuple[dict, str],
    audit_burnt: tuple[dict, str],
    event_id: uuid.UUID,
    event_type: str,
    event_payload: dict,
) -> str:
    """Apply one request that ``can_create_one`` accepts, in one call to the database function
    ``ledger_transfer_create_one`` (ledger migrations 0004 and 0005): the engine's rules, the
    transfer or the burnt id, the audit entry (``audit_applied`` or ``audit_burnt``: fields and
    content hash) and the outbox event (its aggregate type is the audit entry's target type).
    Outside a transaction the call is its own transaction. Returns the result code."""
    from psycopg.types.json import Jsonb

    d = Dialect()
    audit, applied_hash = audit_applied
    burnt, burnt_hash = audit_burnt
    params = [
        r.id, r.kind, r.debit_account_id, r.credit_account_id, r.amount, r.currency,
        r.timeout_seconds, r.code, Jsonb(r.metadata or {}), creation_problem(r),
        business_date, now, ID_CLAIM_CLASS, _claim_bucket(r.id),
        audit["chain"], audit["actor_kind"], audit["actor_id"], audit["actor_label"],
        audit["target_id"], audit["ip"], audit["request_id"],
        json.dumps(audit["after"]), applied_hash, json.dumps(burnt["after"]), burnt_hash,
        event_id, json.dumps(event_payload), audit["action"], audit["target_type"], event_type,
    ]  # fmt: skip
    with hot_cursor(d) as cursor:
        d.execute(cursor, _CREATE_ONE, params)
        code = cursor.fetchone()[0]
    if code == "ok":
        dispatch_after_commit(d)
    return code


def apply(
    engine: Engine,
    requests: Sequence[TransferRequest],
    *,
    business_date: date,
    now: datetime,
    made_by: Provenance,
    meanwhile: Callable[[], None],
) -> list[str]:
    """Apply a batch with ``engine`` and write the outcome; returns the result codes."""
    return _run_and_write(
        engine, lambda: engine.apply(requests), size=len(requests),
        business_date=business_date, now=now, made_by=made_by, meanwhile=meanwhile,
    )  # fmt: skip


def expire(
    engine: Engine,
    due: Sequence[StoredTransfer],
    *,
    business_date: date,
    now: datetime,
    made_by: Provenance,
    meanwhile: Callable[[], None],
) -> None:
    """Release the ``due`` pending transfers (``load_expiry_engine``) and write the outcome."""

    def work() -> None:
        for pending in due:
            engine.expire(pending)

    _run_and_write(
        engine, work, size=len(due), business_date=business_date, now=now, made_by=made_by,
        meanwhile=meanwhile,
    )  # fmt: skip


T = TypeVar("T")


def _run_and_write(
    engine: Engine,
    work: Callable[[], T],
    *,
    size: int,
    business_date: date,
    now: datetime,
    made_by: Provenance,
    meanwhile: Callable[[], None],
) -> T:
    """Run ``work`` (which drives ``engine``) and write what it decided.

    On PostgreSQL, work of ``COPY_THRESHOLD`` transfers or more streams its transfers into a
    binary ``COPY`` while the engine is still deciding the rest: the server inserts and indexes
    rows on one CPU while Python works on the other, instead of one waiting for the other.
    ``meanwhile`` runs once the engine is done, while the server finishes that work.
    """
    d = Dialect()
    if not (d.postgres and size >= COPY_THRESHOLD):
        result = work()
        meanwhile()
        write_outcome(engine, business_date=business_date, now=now, made_by=made_by)
        return result
    row_of = _row_maker(d, business_date=business_date, now=now, made_by=made_by, binary_copy=True)
    with hot_cursor(d) as cursor:
        # The seq column's default (nextval) numbers the rows in the order they are written,
        # i.e. the order the engine applied them. Binary COPY spends a third less client time
        # than text, and several times less than INSERT.
        with cursor.copy(_COPY_SQL) as copy:
            copy.set_types(_COPY_TYPES)
            write_row = copy.write_row

            def sink(created: list[NewTransfer]) -> None:
                for new in created:
                    write_row(row_of(new))

            engine.sink = sink
            try:
                result = work()
            finally:
                engine.sink = None
            # While the server finishes the COPY: the balances' UPDATE, and the caller's work.
            balances = _balance_arrays(_touched(engine)) if engine.created else None
            meanwhile()
        if balances is not None:
            d.execute(cursor, _UPDATE_ACCOUNTS, balances)
    _write_failures(engine, now=now)
    return result


def write_outcome(
    engine: Engine, *, business_date: date, now: datetime, made_by: Provenance
) -> None:
    """Insert the new transfers and failed ids and store the touched accounts' balances."""
    d = Dialect()
    if engine.created:
        with hot_cursor(d) as cursor:
            _write_transfers(
                cursor, d, engine, _touched(engine),
                business_date=business_date, now=now, made_by=made_by,
            )  # fmt: skip
    _write_failures(engine, now=now)


def _touched(engine: Engine) -> list[AccountState]:
    """The accounts the engine changed, in the order of their numbers: the order their rows
    were written in, so the balances' UPDATE walks the table's pages in order instead of
    jumping between them (a quarter less time for ~9,600 accounts on PostgreSQL)."""
    touched = [a for a in engine.accounts.values() if a.touched]
    touched.sort(key=_number_of)
    return touched


_number_of = attrgetter("number")


def _write_failures(engine: Engine, *, now: datetime) -> None:
    """Record the ids the batch burnt (``ledger_failedtransfer``)."""
    if not engine.new_failures:
        return
    d = Dialect()
    with hot_cursor(d) as cursor:
        failed_at = d.datetime_in(now)
        if d.postgres:
            d.execute(
                cursor,
                "INSERT INTO ledger_failedtransfer (id, code, failed_at) "
                "SELECT id, code, %s FROM unnest(%b::uuid[], %s::text[]) AS f(id, code)",
                [
                    failed_at,
                    [i for i, _ in engine.new_failures],
                    # result codes are lower-case words: nothing to quote in the literal
                    "{" + ",".join(code for _, code in engine.new_failures) + "}",
                ],
            )
        else:
            cursor.executemany(
                "INSERT INTO ledger_failedtransfer (id, code, failed_at) VALUES (%s, %s, %s)",
                [(i.hex, code, failed_at) for i, code in engine.new_failures],
            )


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


def _write_transfers(
    cursor,
    d: Dialect,
    engine: Engine,
    touched: list[AccountState],
    *,
    business_date: date,
    now: datetime,
    made_by: Provenance,
) -> None:
    """Insert the batch's new transfers and store the balances of the accounts they touched."""
    rows = _transfer_rows(d, engine, business_date=business_date, now=now, made_by=made_by)
    if not d.postgres:
        # The IMMEDIATE transaction holds the only write lock: nobody else numbers rows now.
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_transfer")
        first = cursor.fetchone()[0] + 1
        for seq, row in enumerate(rows, start=first):
            row.append(seq)
        cursor.executemany(SQLITE_INSERT_TRANSFER, rows)
        cursor.executemany(SQLITE_UPDATE_BALANCES, [(*a.balances(), a.number) for a in touched])
        return
    balances = _balance_arrays(touched)
    # A small batch (a large one streams, see _run_and_write) is one statement: the balances'
    # UPDATE rides along as a CTE.
    values = ", ".join([_VALUES_ROW] * len(rows))
    d.execute(
        cursor,
        f"WITH balances AS ({_UPDATE_ACCOUNTS}) "
        f"INSERT INTO ledger_transfer ({_COPY_COLUMNS}) VALUES {values}",
        [*balances, *(value for row in rows for value in row)],
    )


# SQLite's two statements per batch (``bench/ledger_floor.py`` times them alone).
SQLITE_INSERT_TRANSFER = (
    f"INSERT INTO ledger_transfer ({_INSERT_COLUMNS}) "
    f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS.split(',')))})"
)
SQLITE_UPDATE_BALANCES = (
    "UPDATE ledger_account SET debits_pending = %s, debits_posted = %s, "
    "credits_pending = %s, credits_posted = %s WHERE number = %s"
)
_VALUES_ROW = "(" + ", ".join(["%s"] * len(_COPY_COLUMNS.split(","))) + ")"
_UPDATE_ACCOUNTS = (
    "UPDATE ledger_account AS a SET debits_pending = v.dp, debits_posted = v.dpo, "
    "credits_pending = v.cp, credits_posted = v.cpo "
    "FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[]) "
    "AS v(number, dp, dpo, cp, cpo) WHERE a.number = v.number"
)


def _balance_arrays(accounts: list[AccountState]) -> list[list]:
    """The accounts' numbers and four balances as five lists, sent as binary arrays (%b)."""
    return [
        [a.number for a in accounts],
        *map(list, zip(*(a.balances() for a in accounts), strict=True)),
    ]


def _row_maker(
    d: Dialect, *, business_date: date, now: datetime, made_by: Provenance, binary_copy: bool
) -> Callable[[NewTransfer], list]:
    """A function from a new transfer to its row (the columns of ``_COPY_COLUMNS``), for a
    binary ``COPY`` or for plain parameters."""
    bdate = d.date_in(business_date)
    created_at = d.datetime_in(now)
    actor_kind, actor_id, batch_id = (
        made_by.actor_kind,
        made_by.actor_id,
        d.uuid_in(made_by.batch_id),
    )
    uuid_in, datetime_in = d.uuid_in, d.datetime_in
    if binary_copy:
        # jsonb's binary form is a version byte and the JSON text: encoded here, sent as bytes
        # (``_COPY_TYPES``), it skips the driver's JSON dumper, and most rows share one value.
        empty_metadata = b"\x01{}"

        def json_in(value: dict) -> bytes:
            return b"\x01" + json.dumps(value, separators=(",", ":")).encode()

    else:
        empty_metadata = "{}"
        json_in = d.json_in

    def row_of(new: NewTransfer) -> list:
        t = new.stored
        return [
            uuid_in(t.id), t.kind, uuid_in(t.debit_account_id), uuid_in(t.credit_account_id),
            new.dr_number, new.cr_number, t.currency, t.amount, uuid_in(t.pending_id),
            t.linked, t.timeout_seconds, datetime_in(t.expires_at), t.code,
            json_in(t.metadata) if t.metadata else empty_metadata, bdate, created_at,
            *new.dr, *new.cr, actor_kind, actor_id, batch_id,
        ]  # fmt: skip

    return row_of


def _transfer_rows(
    d: Dialect, engine: Engine, *, business_date: date, now: datetime, made_by: Provenance
) -> list:
    row_of = _row_maker(d, business_date=business_date, now=now, made_by=made_by, binary_copy=False)
    return [row_of(new) for new in engine.created]

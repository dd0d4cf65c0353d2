"""Loading and writing the ledger's rows for one batch, in plain SQL on the hot path.

Runs inside the caller's transaction. Accounts are locked in id order (PostgreSQL
``FOR UPDATE``; SQLite's IMMEDIATE transaction already holds the single write lock), so concurrent
batches never deadlock on each other.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection

from hujin.ledger.engine import AccountState, Engine, StoredTransfer, TransferRequest

_TRANSFER_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, linked, "
    "timeout_seconds, code, metadata, expires_at"
)
_INSERT_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, currency, amount, pending_id, linked, "
    "timeout_seconds, expires_at, code, metadata, business_date, created_at, "
    "dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted, "
    "cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted, seq"
)
SQLITE_MAX_PARAMS = 30_000


class _Dialect:
    """The differences between PostgreSQL and SQLite that the hot path cares about."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def uuid_in(self, value: uuid.UUID | None) -> Any:
        if value is None:
            return None
        return value if self.postgres else value.hex

    def uuid_out(self, value: Any) -> uuid.UUID | None:
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(hex=value)

    def json_in(self, value: dict) -> Any:
        if self.postgres:
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def json_out(self, value: Any) -> dict:
        return json.loads(value) if isinstance(value, str) else (value or {})

    def datetime_in(self, value: datetime | None) -> Any:
        if value is None or self.postgres:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")

    def datetime_out(self, value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            value = datetime.fromisoformat(value)
        # SQLite hands back naive UTC (Django stores it so); PostgreSQL an aware value.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def date_in(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def select_in(self, cursor, sql: str, ids: Sequence[uuid.UUID], repeat: int = 1) -> list:
        """Run ``sql`` whose ``{ids}`` placeholders (``repeat`` of them) stand for a list of ids."""
        if not ids:
            return []
        if self.postgres:
            cursor.execute(sql.format(ids="= ANY(%s)"), [list(ids)] * repeat)
            return cursor.fetchall()
        rows: list[tuple] = []
        step = SQLITE_MAX_PARAMS // repeat
        for start in range(0, len(ids), step):
            chunk = [i.hex for i in ids[start : start + step]]
            marks = "IN (" + ",".join(["%s"] * len(chunk)) + ")"
            cursor.execute(sql.format(ids=marks), chunk * repeat)
            rows.extend(cursor.fetchall())
        return rows


class LockedTooLittle(Exception):
    """A transfer appeared between reading and locking; the batch must start again."""


def load_engine(requests: Sequence[TransferRequest], *, now: datetime) -> Engine:
    """Fetch and lock everything the batch can touch; return an engine over that state."""
    d = _Dialect()
    request_ids = list(dict.fromkeys(r.id for r in requests))
    pending_ids = list(dict.fromkeys(r.pending_id for r in requests if r.pending_id is not None))
    with connection.cursor() as cursor:
        # Pending transfers never change, so their accounts can be read before locking.
        known, _ = _load_transfers_and_failures(cursor, d, pending_ids)
        account_ids = {r.debit_account_id for r in requests} | {
            r.credit_account_id for r in requests
        }
        for t in known.values():
            if t.kind == "pending":
                account_ids.add(t.debit_account_id)
                account_ids.add(t.credit_account_id)
        account_ids.discard(None)
        accounts = _lock_accounts(cursor, d, sorted(account_ids))
        # Read the ids only now: a writer of the same id that held these locks has committed.
        transfers, failed = _load_transfers_and_failures(
            cursor, d, list(dict.fromkeys(request_ids + pending_ids))
        )
        for t in transfers.values():
            if t.kind == "pending" and not (
                t.debit_account_id in accounts and t.credit_account_id in accounts
            ):
                raise LockedTooLittle()  # a pending committed meanwhile; start again
        _load_pending_status(cursor, d, [t for t in transfers.values() if t.kind == "pending"])
    return Engine(accounts=accounts, transfers=transfers, failed=failed, now=now)


def load_expiry_engine(*, now: datetime, limit: int) -> tuple[Engine, list[StoredTransfer]]:
    """Lock the accounts of up to ``limit`` unresolved pending transfers whose timeout passed."""
    d = _Dialect()
    with connection.cursor() as cursor:
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


def write_outcome(engine: Engine, *, business_date: date, now: datetime) -> None:
    """Insert the new transfers and failed ids and store the touched accounts' balances."""
    d = _Dialect()
    with connection.cursor() as cursor:
        if engine.created:
            _insert_transfers(cursor, d, engine, business_date=business_date, now=now)
            touched = [a for a in engine.accounts.values() if a.touched]
            _update_accounts(cursor, d, touched)
        if engine.new_failures:
            failed_at = d.datetime_in(now)
            cursor.executemany(
                "INSERT INTO ledger_failedtransfer (id, code, failed_at) VALUES (%s, %s, %s)",
                [(d.uuid_in(i), code, failed_at) for i, code in engine.new_failures],
            )


# -- helpers ---------------------------------------------------------------------------------


def _stored(d: _Dialect, row: tuple) -> StoredTransfer:
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
    cursor, d: _Dialect, ids: list[uuid.UUID]
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


def _lock_accounts(cursor, d: _Dialect, ids: list[uuid.UUID]) -> dict[uuid.UUID, AccountState]:
    sql = (
        "SELECT id, currency, closed, debits_must_not_exceed_credits, "
        "credits_must_not_exceed_debits, debits_pending, debits_posted, credits_pending, "
        "credits_posted FROM ledger_account WHERE id {ids} ORDER BY id"
    )
    if d.postgres:
        sql += " FOR UPDATE"
    accounts = {}
    for row in d.select_in(cursor, sql, ids):
        account = AccountState(d.uuid_out(row[0]), row[1], bool(row[2]), bool(row[3]), bool(row[4]),
                               row[5], row[6], row[7], row[8])  # fmt: skip
        accounts[account.id] = account
    return accounts


def _load_pending_status(cursor, d: _Dialect, pendings: Iterable[StoredTransfer]) -> None:
    by_id = {p.id: p for p in pendings}
    rows = d.select_in(
        cursor, "SELECT pending_id, kind FROM ledger_transfer WHERE pending_id {ids}", list(by_id)
    )
    status = {"post_pending": "posted", "void_pending": "voided", "expire_pending": "expired"}
    for pending_id, kind in rows:
        by_id[d.uuid_out(pending_id)].status = status[kind]


def _insert_transfers(
    cursor, d: _Dialect, engine: Engine, *, business_date: date, now: datetime
) -> None:
    created = engine.created
    bdate = d.date_in(business_date)
    created_at = d.datetime_in(now)
    uuid_in, json_in, datetime_in = d.uuid_in, d.json_in, d.datetime_in
    rows = []
    for new in created:
        t = new.stored
        rows.append([
            uuid_in(t.id), t.kind, uuid_in(t.debit_account_id), uuid_in(t.credit_account_id),
            t.currency, t.amount, uuid_in(t.pending_id), t.linked, t.timeout_seconds,
            datetime_in(t.expires_at), t.code, json_in(t.metadata), bdate, created_at,
            *new.dr, *new.cr,
        ])  # fmt: skip
    if d.postgres:
        # Rows are inserted in order, so the sequence numbers them in the order applied.
        seq_sql = "nextval('ledger_transfer_seq_seq')"
    else:  # the IMMEDIATE transaction holds the only write lock: nobody else numbers rows now
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM ledger_transfer")
        first = cursor.fetchone()[0] + 1
        for seq, row in enumerate(rows, start=first):
            row.append(seq)
        seq_sql = "%s"
    placeholders = ", ".join(["%s"] * 22 + [seq_sql])
    cursor.executemany(
        f"INSERT INTO ledger_transfer ({_INSERT_COLUMNS}) VALUES ({placeholders})", rows
    )


def _update_accounts(cursor, d: _Dialect, accounts: list[AccountState]) -> None:
    if d.postgres:
        values = ", ".join(
            ["(%s::uuid, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"] * len(accounts)
        )
        params: list[Any] = []
        for a in accounts:
            params.extend((a.id, *a.balances()))
        cursor.execute(
            "UPDATE ledger_account AS a SET debits_pending = v.dp, debits_posted = v.dpo, "
            "credits_pending = v.cp, credits_posted = v.cpo "
            f"FROM (VALUES {values}) AS v(id, dp, dpo, cp, cpo) WHERE a.id = v.id",
            params,
        )
    else:
        cursor.executemany(
            "UPDATE ledger_account SET debits_pending = %s, debits_posted = %s, "
            "credits_pending = %s, credits_posted = %s WHERE id = %s",
            [(*a.balances(), a.id.hex) for a in accounts],
        )

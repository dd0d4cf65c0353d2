"""Hashing and appending audit entries (the package's docstring describes the chains).

Each entry's hash covers the previous entry's hash, its position and every field::

    content_hash = sha256(canonical JSON of chain, occurred_at, actor, action, target,
                          before, after, ip, request_id)
    entry_hash   = sha256("<prev_hash>|<position>|<content_hash>")

The second step is simple enough for PostgreSQL to compute itself, which lets one statement lock
the chain head, advance it and insert the entry (``core_audit_append``).
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime
from typing import Any

from django.db import InternalError, connection, transaction

from hujin.core import context
from hujin.core.actors import Actor
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditChainHead, AuditEntry
from hujin.core.sql import Dialect, hot_cursor

_CHAIN_ATTR = "hujin_audit_chain"
_LIMITS = {
    "actor_kind": 16,
    "actor_id": 64,
    "actor_label": 150,
    "action": 64,
    "target_type": 64,
    "target_id": 64,
    "ip": 45,
    "request_id": 64,
}
CONTENT_FIELDS = (
    "chain",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "ip",
    "request_id",
)


# --- hashing ------------------------------------------------------------------------------------


def _normal_json(value: Any) -> Any:
    """``value`` as it reads back from a JSON column: lists for tuples, ints for whole floats.

    PostgreSQL's jsonb stores ``1e20`` as a number that reads back as an int, so a whole float is
    hashed as the int it equals; any other float survives the round trip unchanged.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normal_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal_json(v) for v in value]
    return value


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def content_hash_of(fields: dict[str, Any]) -> str:
    """The hash of one entry's content (``CONTENT_FIELDS``), position and links excluded."""
    document = {name: fields[name] for name in CONTENT_FIELDS}
    document["occurred_at"] = _timestamp(document["occurred_at"])
    document["before"] = _normal_json(document["before"])
    document["after"] = _normal_json(document["after"])
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_hash_of(*, prev_hash: str, position: int, content_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{position}|{content_hash}".encode()).hexdigest()


# --- writing ------------------------------------------------------------------------------------


def _chain_for_transaction() -> int:
    """This transaction's chain: the one remembered on the connection, else a random one.

    The choice is forgotten when the transaction commits. A choice left over from a transaction
    that rolled back is simply reused by the next one (and forgotten at its commit). Re-using the
    remembered chain, rather than drawing again whenever no forget-callback is pending, also
    keeps a transaction on one chain after a savepoint holding its first entry rolled back.
    """
    chain = getattr(connection, _CHAIN_ATTR, None)
    if chain is None:
        chain = random.randrange(AUDIT_CHAINS)
        setattr(connection, _CHAIN_ATTR, chain)
    if not any(entry[1] is _forget_chain for entry in connection.run_on_commit):
        transaction.on_commit(_forget_chain)
    return chain


def _forget_chain() -> None:
    setattr(connection, _CHAIN_ATTR, None)


def audit_prepare(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    occurred_at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    chain: int | None = None,
) -> tuple[dict[str, Any], str]:
    """One entry's fields (this transaction's chain included) and its content hash, not yet
    written: ``audit_append`` writes them, or a database function that calls
    ``core_audit_append`` itself (the ledger's single-transfer path). ``chain``: the chain of an
    entry prepared before, for a database function that writes both in one statement (its
    transaction then holds one chain's head, as any other)."""
    ctx = context.current()
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    fields: dict[str, Any] = {
        "chain": _chain_for_transaction() if chain is None else chain,
        "occurred_at": occurred_at,
        "actor_kind": actor.kind,
        "actor_id": str(actor.id),
        "actor_label": actor.label,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "before": _normal_json(before),
        "after": _normal_json(after),
        "ip": ctx.ip or "",
        "request_id": ctx.request_id or "",
    }
    for name, limit in _LIMITS.items():
        fields[name] = fields[name][:limit]
    return fields, content_hash_of(fields)


def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    occurred_at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry to this transaction's chain. Must run inside the caller's
    transaction; ``before``/``after`` hold masked values only."""
    fields, content_hash = audit_prepare(
        actor=actor, action=action, target_type=target_type, target_id=target_id,
        occurred_at=occurred_at, before=before, after=after,
    )  # fmt: skip
    return audit_append(fields, content_hash)


def audit_append(fields: dict[str, Any], content_hash: str) -> AuditEntry:
    """Write an entry ``audit_prepare`` made, in the caller's transaction (on the chain it chose
    for that transaction)."""
    assert connection.in_atomic_block, "audit entries are written inside the write's transaction"
    if connection.vendor == "postgresql":
        links = _append_postgresql(fields, content_hash)
    else:
        links = _append_generic(fields, content_hash)
    entry_id, position, prev_hash, entry_hash = links
    return AuditEntry(
        id=entry_id, position=position, prev_hash=prev_hash, entry_hash=entry_hash, **fields
    )


def _append_params(fields: dict[str, Any], content_hash: str) -> list[Any]:
    """``core_audit_append``'s arguments, in order."""
    return [
        fields["chain"],
        content_hash,
        fields["occurred_at"],
        fields["actor_kind"],
        fields["actor_id"],
        fields["actor_label"],
        fields["action"],
        fields["target_type"],
        fields["target_id"],
        _json_param(fields["before"]),
        _json_param(fields["after"]),
        fields["ip"],
        fields["request_id"],
    ]


# One round trip: the function locks and advances the head and inserts the entry linked to it
# (core migration 0004; 0008: a missing head fails the write, as in ``_append_generic``).
_POSTGRES_APPEND = "SELECT * FROM core_audit_append(" + ", ".join(["%s"] * 13) + ")"


def _json_param(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def heads_create(cursor) -> None:
    """Every chain's head, all created together (what core migration 0007 does; also a flushed
    test database's first entry, see ``_append_generic``). Once the trail has begun,
    ``audit_verify`` requires all ``AUDIT_CHAINS`` heads."""
    rows = ", ".join(["(%s, 0, %s, %s, 0)"] * AUDIT_CHAINS)
    params = [v for chain in range(AUDIT_CHAINS) for v in (chain, GENESIS_HASH, GENESIS_HASH)]
    cursor.execute(
        "INSERT INTO core_auditchainhead (chain, last_seq, last_hash, prev_hash, length) "
        f"VALUES {rows} ON CONFLICT (chain) DO NOTHING",
        params,
    )


def wipe_allowed() -> bool:
    """``hujin_audit_wipe_allowed()``: true on a Django test database only, whose tables are
    flushed between tests (PostgreSQL: core migration 0003; SQLite: ``hujin.core.models``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT hujin_audit_wipe_allowed()")
        return bool(cursor.fetchone()[0])


def head_missing(chain: int) -> InternalError:
    """What an append raises on a chain without a head, on both databases (PostgreSQL's
    ``core_audit_append`` raises it as SQLSTATE XX001, data_corrupted): heads are never deleted,
    so the chain was removed with its head. Recreating the head would start that chain afresh
    and hide the removal from ``audit_verify``."""
    return InternalError(
        f"audit chain head {chain} missing: the chain or its head was removed; "
        "run hujin audit verify"
    )


def _append_postgresql(fields: dict[str, Any], content_hash: str) -> tuple[int, int, str, str]:
    d = Dialect()
    with hot_cursor(d) as cursor:  # every write audits: a prepared statement, no ORM
        d.execute(cursor, _POSTGRES_APPEND, _append_params(fields, content_hash))
        return cursor.fetchone()


def _append_generic(fields: dict[str, Any], content_hash: str) -> tuple[int, int, str, str]:
    """SQLite (one writer at a time): read the head, insert, advance the head.

    No head: on a flushed test database every head is created again; anywhere else the write
    fails (``head_missing``), as on PostgreSQL (core migration 0008).
    """
    chain = fields["chain"]
    head = "SELECT last_seq, last_hash FROM core_auditchainhead WHERE chain = %s"
    with connection.cursor() as cursor:
        cursor.execute(head, [chain])
        row = cursor.fetchone()
        if row is None and wipe_allowed():
            heads_create(cursor)
            cursor.execute(head, [chain])
            row = cursor.fetchone()
    if row is None:
        raise head_missing(chain)
    last_seq, prev_hash = row
    position = last_seq + 1
    entry_hash = entry_hash_of(prev_hash=prev_hash, position=position, content_hash=content_hash)
    entry = AuditEntry.objects.create(
        position=position, prev_hash=prev_hash, entry_hash=entry_hash, **fields
    )
    AuditChainHead.objects.filter(chain=chain).update(
        last_seq=position, length=position, prev_hash=prev_hash, last_hash=entry_hash
    )
    return entry.id, position, prev_hash, entry_hash


def audit_personal_data_viewed(
    *,
    actor: Actor,
    target_type: str,
    target_id: str,
    fields: list[str],
    occurred_at: datetime,
) -> AuditEntry:
    """Record that ``actor`` saw the unmasked ``fields`` of one object (never the values)."""
    return audit_record(
        actor=actor,
        action="personal_data.viewed",
        target_type=target_type,
        target_id=target_id,
        occurred_at=occurred_at,
        after={"fields": sorted(fields)},
    )

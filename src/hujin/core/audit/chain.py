"""The audit trail: every write records who did what to which object, in the same transaction.

Entries form ``AUDIT_CHAINS`` (16) independent hash chains rather than one, so that audited writes
from many processes do not all queue on one lock. A transaction picks a chain at random on its
first ``audit_record`` and keeps it until it commits: it then holds one chain head at most, so two
transactions can never wait on each other's heads (no lock-order deadlock). After a rollback the
remembered choice may outlive its transaction; that is harmless, any chain is correct.

Each entry's hash covers the previous entry's hash, its position and every field::

    content_hash = sha256(canonical JSON of chain, occurred_at, actor, action, target,
                          before, after, ip, request_id)
    entry_hash   = sha256("<prev_hash>|<position>|<content_hash>")

The second step is simple enough for PostgreSQL to compute itself, which lets one statement lock
the chain head, advance it and insert the entry. ``audit_verify`` recomputes every chain.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

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
) -> tuple[dict[str, Any], str]:
    """One entry's fields (this transaction's chain included) and its content hash, not yet
    written: ``audit_append`` writes them, or a database function that calls
    ``core_audit_append`` itself (the ledger's single-transfer path)."""
    ctx = context.current()
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    fields: dict[str, Any] = {
        "chain": _chain_for_transaction(),
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
# (core migration 0004).
_POSTGRES_APPEND = "SELECT * FROM core_audit_append(" + ", ".join(["%s"] * 13) + ")"


def _json_param(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _head_create(cursor, chain: int) -> None:
    """A chain's head row, created on first use (and again after a test database flush)."""
    cursor.execute(
        "INSERT INTO core_auditchainhead (chain, last_seq, last_hash, prev_hash, length) "
        "VALUES (%s, 0, %s, %s, 0) ON CONFLICT (chain) DO NOTHING",
        [chain, GENESIS_HASH, GENESIS_HASH],
    )


def _append_postgresql(fields: dict[str, Any], content_hash: str) -> tuple[int, int, str, str]:
    d = Dialect()
    with hot_cursor(d) as cursor:  # every write audits: a prepared statement, no ORM
        d.execute(cursor, _POSTGRES_APPEND, _append_params(fields, content_hash))
        return cursor.fetchone()


def _append_generic(fields: dict[str, Any], content_hash: str) -> tuple[int, int, str, str]:
    """SQLite (one writer at a time): read the head, insert, advance the head."""
    chain = fields["chain"]
    with connection.cursor() as cursor:
        _head_create(cursor, chain)
        cursor.execute(
            "SELECT last_seq, last_hash FROM core_auditchainhead WHERE chain = %s", [chain]
        )
        last_seq, prev_hash = cursor.fetchone()
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


# --- verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditProblem:
    chain: int
    position: int | None
    entry_id: int | None
    kind: str  # content_changed | link_broken | gap | head_mismatch | head_missing | chain_unknown
    message: str

    def __str__(self) -> str:
        where = f"chain {self.chain}"
        if self.position is not None:
            where += f" position {self.position}"
        if self.entry_id is not None:
            where += f" (entry id {self.entry_id})"
        return f"{where}: {self.kind}: {self.message}"


@dataclass(frozen=True, slots=True)
class ChainSummary:
    chain: int
    length: int
    last_hash: str


@dataclass(slots=True)
class AuditVerifyReport:
    entries_checked: int = 0
    chains: list[ChainSummary] = field(default_factory=list)
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_VERIFY_COLUMNS = ("id", "position", "prev_hash", "entry_hash", *CONTENT_FIELDS)


def audit_verify(*, max_problems: int = 1000) -> AuditVerifyReport:
    """Walk every chain from its first entry, recomputing each hash and link, and compare each
    chain's end with its head row. Called outside a transaction, it reads one consistent
    snapshot on PostgreSQL, so writers carry on meanwhile."""
    report = AuditVerifyReport()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        heads = {h.chain: h for h in AuditChainHead.objects.all()}
        rows = (
            AuditEntry.objects.order_by("chain", "position")
            .values_list(*_VERIFY_COLUMNS)
            .iterator(chunk_size=2000)
        )
        walker = _ChainWalker(report, heads, max_problems)
        for values in rows:
            walker.feed(dict(zip(_VERIFY_COLUMNS, values, strict=True)))
        walker.finish_all()
    return report


class _ChainWalker:
    def __init__(self, report: AuditVerifyReport, heads: dict, max_problems: int):
        self.report = report
        self.heads = heads
        self.max_problems = max_problems
        self.chain: int | None = None
        self.last_position = 0
        self.last_hash = GENESIS_HASH
        self.seen: set[int] = set()

    def problem(self, kind: str, message: str, row: dict | None = None, chain=None) -> None:
        if len(self.report.problems) >= self.max_problems:
            return
        self.report.problems.append(
            AuditProblem(
                chain=chain if chain is not None else row["chain"],
                position=row["position"] if row else None,
                entry_id=row["id"] if row else None,
                kind=kind,
                message=message,
            )
        )

    def feed(self, row: dict) -> None:
        if row["chain"] != self.chain:
            self.finish()
            self.chain = row["chain"]
            self.seen.add(self.chain)
            self.last_position, self.last_hash = 0, GENESIS_HASH
            if not 0 <= self.chain < AUDIT_CHAINS:
                self.problem("chain_unknown", "entry in a chain that does not exist", row)
        self.report.entries_checked += 1
        expected_position = self.last_position + 1
        if row["position"] != expected_position:
            self.problem(
                "gap",
                f"expected position {expected_position}: entries before it were removed",
                row,
            )
        if row["prev_hash"] != self.last_hash:
            self.problem(
                "link_broken",
                "prev_hash is not the hash of the entry before it (removed or inserted entry)",
                row,
            )
        recomputed = entry_hash_of(
            prev_hash=row["prev_hash"],
            position=row["position"],
            content_hash=content_hash_of(row),
        )
        if recomputed != row["entry_hash"]:
            self.problem("content_changed", "the entry's hash does not match its content", row)
        self.last_position, self.last_hash = row["position"], row["entry_hash"]

    def finish(self) -> None:
        if self.chain is None:
            return
        head = self.heads.get(self.chain)
        if head is None:
            self.problem("head_missing", "the chain has entries but no head", chain=self.chain)
        elif (head.last_seq, head.last_hash, head.length) != (
            self.last_position,
            self.last_hash,
            self.last_position,
        ):
            self.problem(
                "head_mismatch",
                f"head says {head.length} entries ending in {head.last_hash[:12]}…, "
                f"the chain has {self.last_position} ending in {self.last_hash[:12]}… "
                "(entries removed from or added to its end)",
                chain=self.chain,
            )
        self.report.chains.append(ChainSummary(self.chain, self.last_position, self.last_hash))
        self.chain = None

    def finish_all(self) -> None:
        self.finish()
        for chain, head in sorted(self.heads.items()):
            if chain in self.seen:
                continue
            if head.length or head.last_seq or head.last_hash != GENESIS_HASH:
                self.problem(
                    "head_mismatch",
                    f"head says {head.length} entries, the chain has none",
                    chain=chain,
                )
            self.report.chains.append(ChainSummary(chain, 0, GENESIS_HASH))
        self.report.chains.sort(key=lambda summary: summary.chain)

"""``audit_verify``: recompute every chain, require every chain's head, check every seal.

The trail has ``AUDIT_CHAINS`` chains, and all their heads exist from the migration on (or, on a
test database whose tables were flushed, from its first entry on). So a chain removed together
with its head is still missed: its head is required. A head put back empty is caught by the seals
(``hujin.core.audit.seal``): they recorded the chain's length and last hash in other chains.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction

from hujin.core.audit.chain import CONTENT_FIELDS, content_hash_of, entry_hash_of, wipe_allowed
from hujin.core.audit.seal import SEAL_ACTION, seal_heads
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditChainHead, AuditEntry


@dataclass(frozen=True, slots=True)
class AuditProblem:
    chain: int
    position: int | None
    entry_id: int | None
    # content_changed | link_broken | gap | head_mismatch | head_missing | chain_missing |
    # chain_unknown | seal_invalid | seal_mismatch
    kind: str
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
    chains: list[ChainSummary] = field(default_factory=list)  # the chains holding entries
    chain_count: int = AUDIT_CHAINS  # how many chains the trail has
    heads_present: int = 0
    # False only for an empty trail on a test database (its tables flushed): no head is due yet.
    heads_required: bool = True
    seals_checked: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def chain_end(self, chain: int) -> ChainSummary:
        """The chain's length and last hash (an empty chain: 0 and the genesis hash)."""
        for summary in self.chains:
            if summary.chain == chain:
                return summary
        return ChainSummary(chain, 0, GENESIS_HASH)


_VERIFY_COLUMNS = ("id", "position", "prev_hash", "entry_hash", *CONTENT_FIELDS)


def audit_verify(*, max_problems: int = 1000) -> AuditVerifyReport:
    """Walk every chain from its first entry, recomputing each hash and link; compare each chain's
    end with its head; require the head of every one of the ``AUDIT_CHAINS`` chains; check that
    every seal's recorded chain ends are still there. Called outside a transaction, it reads one
    consistent snapshot on PostgreSQL, so writers carry on meanwhile."""
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
        walker.require_heads(required=bool(heads or walker.seen) or not wipe_allowed())
        walker.check_seals()
    return report


@dataclass(frozen=True, slots=True)
class _Seal:
    chain: int
    position: int
    entry_id: int
    ends: list[tuple[int, int, str]]

    def __str__(self) -> str:
        return f"the seal at chain {self.chain} position {self.position} (entry id {self.entry_id})"


class _ChainWalker:
    def __init__(self, report: AuditVerifyReport, heads: dict, max_problems: int):
        self.report = report
        self.heads = heads
        self.max_problems = max_problems
        self.chain: int | None = None
        self.last_position = 0
        self.last_hash = GENESIS_HASH
        self.seen: set[int] = set()
        self.seals: list[_Seal] = []

    def problem(self, kind: str, message: str, row: dict | None = None, chain=None, position=None):
        if len(self.report.problems) >= self.max_problems:
            return
        self.report.problems.append(
            AuditProblem(
                chain=chain if chain is not None else row["chain"],
                position=row["position"] if row else position,
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
        if row["action"] == SEAL_ACTION:
            self.seal_found(row)
        self.last_position, self.last_hash = row["position"], row["entry_hash"]

    def seal_found(self, row: dict) -> None:
        try:
            count, ends = seal_heads(row["after"])
        except ValueError as exc:
            self.problem("seal_invalid", f"a seal that cannot be read: {exc}", row)
            return
        if count != AUDIT_CHAINS:
            self.problem(
                "seal_mismatch",
                f"the seal counted {count} chains; the trail has {AUDIT_CHAINS}",
                row,
            )
        self.seals.append(_Seal(row["chain"], row["position"], row["id"], ends))

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
        self.report.chains.sort(key=lambda summary: summary.chain)

    def require_heads(self, *, required: bool) -> None:
        """Every chain of the trail has its head (a chain with entries and no head is already
        reported as ``head_missing``)."""
        self.report.heads_present = sum(1 for c in self.heads if 0 <= c < AUDIT_CHAINS)
        self.report.heads_required = required
        if not required:
            return
        for chain in range(AUDIT_CHAINS):
            if chain not in self.heads and chain not in self.seen:
                self.problem(
                    "chain_missing",
                    f"the trail has {AUDIT_CHAINS} chains and this one has neither its head nor "
                    "any entry: the whole chain was removed",
                    chain=chain,
                )

    def check_seals(self) -> None:
        """Each seal's recorded chain ends are still entries with those hashes."""
        self.report.seals_checked = len(self.seals)
        wanted: dict[int, dict[int, list[tuple[str, _Seal]]]] = defaultdict(dict)
        for seal in self.seals:
            for chain, length, last_hash in seal.ends:
                if length:
                    wanted[chain].setdefault(length, []).append((last_hash, seal))
        for chain, by_position in sorted(wanted.items()):
            positions = sorted(by_position)
            stored: dict[int, str] = {}
            for start in range(0, len(positions), 1000):
                stored.update(
                    AuditEntry.objects.filter(
                        chain=chain, position__in=positions[start : start + 1000]
                    ).values_list("position", "entry_hash")
                )
            for position in positions:
                for sealed_hash, seal in by_position[position]:
                    actual = stored.get(position)
                    if actual == sealed_hash:
                        continue
                    found = (
                        f"there is no entry {position}: entries were removed"
                        if actual is None
                        else f"entry {position} ends in {actual[:12]}…: the chain was rewritten"
                    )
                    self.problem(
                        "seal_mismatch",
                        f"{seal} recorded this chain with {position} entries ending in "
                        f"{sealed_hash[:12]}…; {found}",
                        chain=chain,
                        position=position,
                    )

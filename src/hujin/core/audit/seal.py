"""Seals: the chains' heads, written down in the trail itself.

A seal is an ordinary audit entry (action ``audit.sealed``) whose ``after`` holds how many chains
the trail has and every chain's length and last hash at that moment. It lands in the sealing
transaction's chain, so each chain's state is recorded in the others, and ``audit_verify`` checks
that every sealed position still holds the sealed hash. Whoever removes or rewrites a chain must
then also rewrite every chain holding a seal of it, from that seal on (which breaks those chains'
own seals in turn): in practice the whole trail since the chain's first sealed entry, which an
external copy of ``hujin audit verify --heads`` catches.

The close of business seals the trail (COB step ``core.audit_seal``); ``hujin audit seal`` seals
it on demand.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from hujin.core.actors import Actor, system_actor
from hujin.core.audit.chain import audit_record
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditChainHead, AuditEntry

SEAL_ACTION = "audit.sealed"
SEAL_TARGET_TYPE = "audit.trail"
SEAL_TARGET_ID = "chains"
COB_STEP_NAME = "core.audit_seal"
COB_STEP_ORDER = 999_000  # after every other step (their entries are sealed), before the advance


def audit_seal(*, actor: Actor, occurred_at: datetime) -> AuditEntry:
    """Record every chain's length and last hash in one audit entry (in one transaction).

    Heads are read without locking them: each is a committed state whose last entry is committed
    with it. The sealing chain's own head may move on before the seal is appended; the seal then
    records an earlier end of it, which is just as true.
    """
    with transaction.atomic():
        ends = {
            chain: (length, last_hash)
            for chain, length, last_hash in AuditChainHead.objects.values_list(
                "chain", "length", "last_hash"
            )
        }
        heads = [[chain, *ends.get(chain, (0, GENESIS_HASH))] for chain in range(AUDIT_CHAINS)]
        return audit_record(
            actor=actor,
            action=SEAL_ACTION,
            target_type=SEAL_TARGET_TYPE,
            target_id=SEAL_TARGET_ID,
            occurred_at=occurred_at,
            after={"chains": AUDIT_CHAINS, "heads": heads},
        )


def seal_heads(after: Any) -> tuple[int, list[tuple[int, int, str]]]:
    """A seal's chain count and its (chain, length, last_hash) list; ValueError if malformed."""
    if not isinstance(after, dict) or set(after) != {"chains", "heads"}:
        raise ValueError("a seal holds exactly 'chains' and 'heads'")
    count, heads = after["chains"], after["heads"]
    if not isinstance(count, int) or not isinstance(heads, list):
        raise ValueError("'chains' is a number and 'heads' a list")
    ends = []
    for item in heads:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and all(isinstance(v, int) and v >= 0 for v in item[:2])
            and isinstance(item[2], str)
        ):
            raise ValueError(f"a head is [chain, length, last_hash], not {item!r:.80}")
        ends.append((item[0], item[1], item[2]))
    return count, ends


def cob_audit_seal(business_date: date, now: datetime) -> dict:
    """COB step: seal the trail. A rerun seals it again, which is harmless."""
    entry = audit_seal(actor=system_actor("cob"), occurred_at=now)
    return {"chain": entry.chain, "position": entry.position}

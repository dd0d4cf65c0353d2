"""The audit trail: every write records who did what to which object, in the same transaction.

Entries form ``AUDIT_CHAINS`` (16) independent hash chains rather than one, so that audited writes
from many processes do not all queue on one lock. A transaction picks a chain at random on its
first ``audit_record`` and keeps it until it commits: it then holds one chain head at most, so two
transactions can never wait on each other's heads (no lock-order deadlock). After a rollback the
remembered choice may outlive its transaction; that is harmless, any chain is correct.

- ``chain``: hashing and appending entries (``audit_record``, ``audit_prepare`` + ``audit_append``).
- ``seal``: ``audit_seal`` writes every chain's length and last hash into the trail itself.
- ``verify``: ``audit_verify`` recomputes every chain, requires all ``AUDIT_CHAINS`` heads and
  checks every seal.

Every chain's head exists from core migration 0007 on, and the database lets a head only advance
by one entry at a time (triggers, as for the entries themselves). A head is never recreated
outside a test database: an entry for a chain whose head is missing fails its write (``audit
chain head N missing``, core migration 0008), so a chain removed with its head stays missing for
``audit_verify`` instead of quietly starting again.
"""

from hujin.core.audit.chain import (
    CONTENT_FIELDS,
    audit_append,
    audit_personal_data_viewed,
    audit_prepare,
    audit_record,
    content_hash_of,
    entry_hash_of,
)
from hujin.core.audit.seal import SEAL_ACTION, audit_seal
from hujin.core.audit.verify import AuditProblem, AuditVerifyReport, ChainSummary, audit_verify

__all__ = [
    "CONTENT_FIELDS",
    "SEAL_ACTION",
    "AuditProblem",
    "AuditVerifyReport",
    "ChainSummary",
    "audit_append",
    "audit_personal_data_viewed",
    "audit_prepare",
    "audit_record",
    "audit_seal",
    "audit_verify",
    "content_hash_of",
    "entry_hash_of",
]

"""One single or pending transfer in one call to the database function
``ledger_transfer_create_one`` (PostgreSQL): the engine's rules, the row, the audit entry and the
outbox event in one round trip. Anything else goes through the engine (``load`` then ``write``).

A pending transfer's resolution in full can be made the same way inside another module's
database function (``ledger_transfer_resolve_one``, ledger migration 0011: the clean path only;
anything else is left to the engine).
"""

import json
import uuid
from datetime import date, datetime

from hujin.core.events import dispatch_after_commit
from hujin.core.sql import Dialect, hot_cursor
from hujin.ledger.engine import creation_problem
from hujin.ledger.store.load import ID_CLAIM_CLASS, _claim_bucket
from hujin.ledger.types import TransferRequest


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
RESOLVING_KINDS = frozenset({"post_pending", "void_pending"})


def can_resolve_one(request: TransferRequest) -> bool:
    """Whether ``ledger_transfer_resolve_one`` may apply this request (PostgreSQL; a post or
    void of a whole pending transfer outside a linked chain, naming no accounts, amount or
    currency of its own: those are the pending transfer's)."""
    return (
        request.kind in RESOLVING_KINDS
        and not request.linked
        and request.pending_id is not None
        and request.amount is None
        and request.debit_account_id is None
        and request.credit_account_id is None
        and request.currency is None
        and not request.timeout_seconds
        and Dialect().postgres
    )


def resolve_one_params(
    r: TransferRequest,
    *,
    business_date: date,
    now: datetime,
    audit_applied: tuple[dict, str],
    event_id: uuid.UUID,
    event_type: str,
    event_payload: dict,
    **_burnt,
) -> list:
    """``ledger_transfer_resolve_one``'s 23 arguments, in order."""
    from psycopg.types.json import Jsonb

    audit, applied_hash = audit_applied
    return [
        r.id, r.kind, r.pending_id, r.code, Jsonb(r.metadata or {}), business_date, now,
        ID_CLAIM_CLASS, _claim_bucket(r.id), audit["chain"], audit["actor_kind"],
        audit["actor_id"], audit["actor_label"], audit["target_id"], audit["ip"],
        audit["request_id"], json.dumps(audit["after"]), applied_hash, event_id,
        json.dumps(event_payload), audit["action"], audit["target_type"], event_type,
    ]  # fmt: skip


_CREATE_ONE = "SELECT ledger_transfer_create_one(" + ", ".join(["%s"] * 30) + ")"


def create_one_params(
    r: TransferRequest,
    *,
    business_date: date,
    now: datetime,
    audit_applied: tuple[dict, str],
    audit_burnt: tuple[dict, str],
    event_id: uuid.UUID,
    event_type: str,
    event_payload: dict,
) -> list:
    """``ledger_transfer_create_one``'s 30 arguments, in order (see ``create_one``)."""
    from psycopg.types.json import Jsonb

    audit, applied_hash = audit_applied
    burnt, burnt_hash = audit_burnt
    return [
        r.id, r.kind, r.debit_account_id, r.credit_account_id, r.amount, r.currency,
        r.timeout_seconds, r.code, Jsonb(r.metadata or {}), creation_problem(r),
        business_date, now, ID_CLAIM_CLASS, _claim_bucket(r.id),
        audit["chain"], audit["actor_kind"], audit["actor_id"], audit["actor_label"],
        audit["target_id"], audit["ip"], audit["request_id"],
        json.dumps(audit["after"]), applied_hash, json.dumps(burnt["after"]), burnt_hash,
        event_id, json.dumps(event_payload), audit["action"], audit["target_type"], event_type,
    ]  # fmt: skip


def create_one(r: TransferRequest, **prepared) -> str:
    """Apply one request that ``can_create_one`` accepts, in one call to the database function
    ``ledger_transfer_create_one`` (ledger migrations 0004 and 0005): the engine's rules, the
    transfer or the burnt id, the audit entry (``audit_applied`` or ``audit_burnt``: fields and
    content hash) and the outbox event (its aggregate type is the audit entry's target type).
    Outside a transaction the call is its own transaction. Returns the result code.
    ``prepared``: ``create_one_params``' keyword arguments."""
    d = Dialect()
    with hot_cursor(d) as cursor:
        d.execute(cursor, _CREATE_ONE, create_one_params(r, **prepared))
        code = cursor.fetchone()[0]
    if code == "ok":
        dispatch_after_commit(d)
    return code

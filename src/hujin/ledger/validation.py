"""The shape every ledger request must have, checked the same way at the API edge and in services.

The JSON API refuses a bad field with a 422 before a service is called; a service called from
Python (another module, a command, a test) refuses the same request with ``TransferInvalid``, so
no caller can reach the database with a value it cannot store.
"""

import json
import re
import unicodedata
import uuid
from datetime import date
from typing import Any

from hujin.core.money import is_unit_asset
from hujin.ledger.errors import StatementPeriodInvalid

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
REQUEST_KINDS = frozenset({"single", "pending", "post_pending", "void_pending"})
MAX_AMOUNT = 2**63 - 1  # a BIGINT
MAX_TIMEOUT_SECONDS = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL
MAX_METADATA_BYTES = 4096
MAX_METADATA_DEPTH = 8
MAX_STATEMENT_DAYS = 366


def statement_period_check(from_date: date, to_date: date) -> None:
    """Raises StatementPeriodInvalid unless from_date <= to_date and the period is <= 366 days."""
    days = (to_date - from_date).days + 1
    if days < 1 or days > MAX_STATEMENT_DAYS:
        raise StatementPeriodInvalid(
            details={"from_date": from_date.isoformat(), "to_date": to_date.isoformat(),
                     "max_days": MAX_STATEMENT_DAYS}
        )  # fmt: skip


def metadata_problem(value: Any) -> str | None:
    """Why ``value`` cannot be a transfer's or an account's metadata, or None when it can."""
    if not isinstance(value, dict):
        return "Metadata must be a JSON object."
    if not value:
        return None
    problem: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if problem:
            return
        if depth > MAX_METADATA_DEPTH:
            problem.append(f"Metadata nests at most {MAX_METADATA_DEPTH} levels.")
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(key, depth + 1)
                walk(item, depth + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, str) and (
            "\x00" in node or any(unicodedata.category(ch) == "Cs" for ch in node)
        ):
            problem.append("Metadata text must not contain NUL or lone surrogates.")

    walk(value, 0)
    if problem:
        return problem[0]
    try:
        size = len(json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8"))
    except (ValueError, TypeError):
        return "Metadata must be plain JSON (no NaN or Infinity)."
    if size > MAX_METADATA_BYTES:
        return f"Metadata is at most {MAX_METADATA_BYTES} bytes of JSON."
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def transfer_request_problem(r: Any) -> tuple[str, str] | None:
    """(field, why) when a TransferRequest cannot be stored whatever the ledger's state; else None.

    Rules about the ledger's state (and zero or negative amounts, which TigerBeetle reports as a
    result code) are the engine's, not this function's.
    """
    if not isinstance(r.id, uuid.UUID):
        return "id", "The id must be a UUID."
    if r.kind not in REQUEST_KINDS:
        return "kind", "Unknown transfer kind."
    for name in ("debit_account_id", "credit_account_id", "pending_id"):
        value = getattr(r, name)
        if value is not None and not isinstance(value, uuid.UUID):
            return name, "Must be a UUID."
    # Zero and negative amounts are the engine's result code, but only within a BIGINT: what no
    # column could hold is refused here, on every path alike.
    if r.amount is not None and (
        not _is_int(r.amount) or not -MAX_AMOUNT <= r.amount <= MAX_AMOUNT
    ):
        return "amount", f"The amount is a whole number of minor units up to {MAX_AMOUNT}."
    if r.currency is not None and not (
        isinstance(r.currency, str) and (len(r.currency) == 3 or is_unit_asset(r.currency))
    ):
        return "currency", "The currency is an ISO 4217 code or a product's units (U:CODE)."
    if not isinstance(r.linked, bool):
        return "linked", "Must be true or false."
    if r.timeout_seconds is not None and not (
        _is_int(r.timeout_seconds) and 0 <= r.timeout_seconds <= MAX_TIMEOUT_SECONDS
    ):
        return "timeout_seconds", f"The timeout is 0..{MAX_TIMEOUT_SECONDS} seconds."
    if not isinstance(r.code, str) or (r.code and not CODE_RE.match(r.code)):
        return "code", "Code must be 1-64 letters, digits or _.:- characters."
    if r.metadata:
        problem = metadata_problem(r.metadata)
        if problem:
            return "metadata", problem
    return None

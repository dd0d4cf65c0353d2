"""One debit account to many credit accounts, set-based: ``transfers_fan_out``.

The close of business pays a fund's daily income to every holder as units: one posted transfer per
holding, from the product's house account to each holder's unit account, up to millions of them,
written in a handful of statements with exactly the rows the engine would have written for the
same transfers in the same order (``fan`` says how; ``fan_in`` is the mirror).
"""

import uuid
from datetime import date, datetime

from hujin.core.actors import Actor
from hujin.ledger.services.fan import Fan, FanRefused, fan_write
from hujin.ledger.services.fan_sql import FAN_OUT
from hujin.ledger.types import FanOutLines, FanOutResult

FAN_OUT_ACTION = "ledger.transfers_fan_out"
FAN_OUT_EVENT = "ledger.transfers_fanned_out"


class FanOutRefused(FanRefused):
    """The debit account refuses the whole fan-out; nothing was written. ``code`` is the
    ledger's result code for why (``errors.Result``): account_closed, debits_frozen,
    exceeds_credits or overflows_balance."""

    code = "fan_out_refused"
    message = "The debit account refuses the fan-out."


_FAN_OUT = Fan(
    direction=FAN_OUT, lines_type=FanOutLines, action=FAN_OUT_ACTION, event=FAN_OUT_EVENT,
    refused=FanOutRefused, noun="fan-out",
)  # fmt: skip


def transfers_fan_out(
    *,
    batch_id: uuid.UUID,
    debit_account_id: uuid.UUID,
    lines: FanOutLines,
    code: str,
    metadata: dict,
    actor: Actor,
    now: datetime,
    business_date: date | None = None,
) -> FanOutResult:
    """Post one transfer (kind ``single``) per line of ``lines``, from ``debit_account_id`` to
    the line's credit account, numbered in the lines' order, all in one transaction (the
    caller's when there is one).

    Every transfer carries ``code``, ``metadata``, ``actor`` and ``batch_id``, which is also the
    target id of the fan-out's one audit entry (``ledger.transfers_fan_out``) and the aggregate
    id of its one outbox event (``ledger.transfers_fanned_out``, when it wrote anything).
    Idempotent by ``batch_id``: a fan-out that wrote transfers under it before is not written
    again (``already_done``, with that fan-out's count and total).

    A line whose credit account does not exist, is closed, holds another currency, would pass
    2**63 - 1 or cross ``credits_must_not_exceed_debits`` is not written: it comes back in
    ``refused`` with its result code (``errors.Result``); the other lines are written.

    Raises AccountNotFound (no debit account); FanOutRefused, nothing written, when the debit
    account refuses the whole fan-out (its ``code``: ``account_closed``, ``debits_frozen``,
    ``exceeds_credits``, ``overflows_balance``); TransferInvalid, nothing written, for a lines
    query that fails or does not select (credit_account_id uuid, amount integer), a line with no
    account or an amount <= 0, an account named twice or the debit account credited, a bad
    ``code`` or ``metadata``.
    """
    return fan_write(
        _FAN_OUT, batch_id=batch_id, account_id=debit_account_id, lines=lines, code=code,
        metadata=metadata, actor=actor, now=now, business_date=business_date,
    )  # fmt: skip

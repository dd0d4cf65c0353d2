"""Many debit accounts to one credit account, set-based: ``transfers_fan_in``.

The lending close of business accrues each loan's daily interest: one posted transfer per loan,
from the loan's interest receivable account to the one interest income account, up to a million
of them, written in a handful of statements with exactly the rows the engine would have written
for the same transfers in the same order (``fan`` says how; ``fan_out`` is the mirror).
"""

import uuid
from datetime import date, datetime

from hujin.core.actors import Actor
from hujin.ledger.services.fan import Fan, FanRefused, fan_write
from hujin.ledger.services.fan_sql import FAN_IN
from hujin.ledger.types import FanInLines, FanOutResult

FAN_IN_ACTION = "ledger.transfers_fan_in"
FAN_IN_EVENT = "ledger.transfers_fanned_in"


class FanInRefused(FanRefused):
    """The credit account refuses the whole fan-in; nothing was written. ``code`` is the
    ledger's result code for why (``errors.Result``): account_closed, overflows_balance or
    exceeds_debits."""

    code = "fan_in_refused"
    message = "The credit account refuses the fan-in."


_FAN_IN = Fan(
    direction=FAN_IN, lines_type=FanInLines, action=FAN_IN_ACTION, event=FAN_IN_EVENT,
    refused=FanInRefused, noun="fan-in",
)  # fmt: skip


def transfers_fan_in(
    *,
    batch_id: uuid.UUID,
    credit_account_id: uuid.UUID,
    lines: FanInLines,
    code: str,
    metadata: dict | None = None,
    actor: Actor,
    now: datetime,
    business_date: date | None = None,
) -> FanOutResult:
    """Post one transfer (kind ``single``) per line of ``lines``, from the line's debit account
    to ``credit_account_id``, numbered in the lines' order, all in one transaction (the caller's
    when there is one).

    Every transfer carries ``code``, ``metadata`` (none: ``{}``), ``actor`` and ``batch_id``,
    which is also the target id of the fan-in's one audit entry (``ledger.transfers_fan_in``)
    and the aggregate id of its one outbox event (``ledger.transfers_fanned_in``, when it wrote
    anything). Idempotent by ``batch_id``: a fan-in that wrote transfers under it before is not
    written again (``already_done``, with that fan-in's count and total).

    A line whose debit account does not exist, holds another currency, is closed, has its debits
    frozen, would pass 2**63 - 1 or cross ``debits_must_not_exceed_credits`` is not written: it
    comes back in ``refused`` as (debit account id, result code, amount), the code from
    ``errors.Result``; the other lines are written.

    Raises AccountNotFound (no credit account); FanInRefused, nothing written, when the credit
    account refuses the whole fan-in (its ``code``: ``account_closed``, ``overflows_balance``,
    ``exceeds_debits``; the engine freezes debits only, so a frozen credit account takes
    credits); TransferInvalid, nothing written, for a lines query that fails or does not select
    (debit_account_id uuid, amount integer), a line with no account or an amount <= 0, an
    account named twice or the credit account debited, a bad ``code`` or ``metadata``.
    """
    return fan_write(
        _FAN_IN, batch_id=batch_id, account_id=credit_account_id, lines=lines, code=code,
        metadata={} if metadata is None else metadata, actor=actor, now=now,
        business_date=business_date,
    )  # fmt: skip

"""The ledger's public input and output types: what other modules build and get back.

Another module moves money with ``hujin.ledger.services.transfers_create``, building its
requests with ``TransferRequest`` from here; it never imports the engine or the store.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from hujin.ledger.errors import Result


@dataclass(slots=True)
class TransferRequest:
    """What a client asks for. ``kind`` is single, pending, post_pending or void_pending."""

    id: uuid.UUID
    kind: str = "single"
    debit_account_id: uuid.UUID | None = None
    credit_account_id: uuid.UUID | None = None
    amount: int | None = None
    currency: str | None = None
    pending_id: uuid.UUID | None = None
    linked: bool = False
    timeout_seconds: int | None = None
    code: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


class TransferResult(NamedTuple):  # a tuple: a batch makes 8,000 of them
    """The outcome of one transfer of a batch: its id and its result code (``errors.Result``)."""

    id: uuid.UUID
    result: str

    @property
    def ok(self) -> bool:
        return self.result == Result.OK


@dataclass(frozen=True, slots=True)
class FanOutLines:
    """A fan-out's lines as a query its caller owns: it selects exactly two columns
    (credit_account_id, amount) - amount > 0, each account at most once - in the order the
    transfers are to be numbered. Placeholders are %s; ``params`` fill them."""

    sql: str
    params: tuple = ()


@dataclass(frozen=True, slots=True)
class FanInLines:
    """A fan-in's lines as a query its caller owns: it selects exactly two columns
    (debit_account_id, amount) - amount > 0, each account at most once - in the order the
    transfers are to be numbered. Placeholders are %s; ``params`` fill them."""

    sql: str
    params: tuple = ()


@dataclass(frozen=True, slots=True)
class FanOutResult:
    """What ``transfers_fan_out`` or ``transfers_fan_in`` did (see there)."""

    batch_id: uuid.UUID
    created: int  # transfers written by this call (0 when already_done)
    total: int  # sum of their amounts (the batch's when already_done)
    already_done: bool  # a fan-out with this batch_id was written before: nothing written now
    # The lines not written: (the line's account id, result code, amount).
    refused: tuple[tuple[uuid.UUID, str, int], ...]

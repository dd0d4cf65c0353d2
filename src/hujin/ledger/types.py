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

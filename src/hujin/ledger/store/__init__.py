"""Loading and writing the ledger's rows for one batch, in plain SQL on the hot path.

- ``load``: fetch and lock what a batch can touch (accounts in id order, the request ids' claims)
  and build the engine over it; the numbers an account service reads under its locks.
- ``write``: write what the engine decided (the new transfers, streamed into ``COPY`` on
  PostgreSQL for a large batch; the touched accounts' balances; the burnt ids).
- ``one_call``: one single or pending transfer in one call to ``ledger_transfer_create_one``
  (PostgreSQL), and the arguments of ``ledger_transfer_resolve_one``.

Callers use ``from hujin.ledger import store`` and ``store.<name>``; the names are re-exported
here. Only ``hujin.ledger`` imports the store.
"""

from hujin.ledger.store.load import (
    ID_CLAIM_BUCKETS,
    ID_CLAIM_CLASS,
    LockedTooLittle,
    highest_seq,
    load_engine,
    load_expiry_engine,
    next_account_number,
)
from hujin.ledger.store.one_call import (
    CREATION_KINDS,
    can_create_one,
    can_resolve_one,
    create_one,
    create_one_params,
    resolve_one_params,
)
from hujin.ledger.store.write import (
    COPY_THRESHOLD,
    SQLITE_INSERT_TRANSFER,
    SQLITE_UPDATE_BALANCES,
    Provenance,
    apply,
    expire,
    write_outcome,
)

__all__ = [
    "COPY_THRESHOLD",
    "CREATION_KINDS",
    "ID_CLAIM_BUCKETS",
    "ID_CLAIM_CLASS",
    "SQLITE_INSERT_TRANSFER",
    "SQLITE_UPDATE_BALANCES",
    "LockedTooLittle",
    "Provenance",
    "apply",
    "can_create_one",
    "can_resolve_one",
    "create_one",
    "create_one_params",
    "expire",
    "highest_seq",
    "load_engine",
    "load_expiry_engine",
    "next_account_number",
    "resolve_one_params",
    "write_outcome",
]

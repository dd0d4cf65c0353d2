"""Writes to the ledger: accounts (``accounts``) and transfers (``transfers``).

Other modules import the services from here: ``from hujin.ledger.services import
transfers_create``. Each is keyword-only, one transaction (the caller's when there is one), with
its audit entries and outbox events in that transaction.
"""

from hujin.ledger.services.accounts import (
    account_create,
    account_debits_freeze,
    account_debits_unfreeze,
    account_set_closed,
    accounts_close,
)
from hujin.ledger.services.fan_in import FanInRefused, transfers_fan_in
from hujin.ledger.services.fan_out import FanOutRefused, transfers_fan_out
from hujin.ledger.services.transfers import (
    MAX_BATCH,
    TransferOneCall,
    pending_transfers_expire,
    transfer_one_call,
    transfer_resolve_one_call,
    transfers_chain,
    transfers_create,
)
from hujin.ledger.types import FanInLines, FanOutLines, FanOutResult, TransferResult

__all__ = [
    "MAX_BATCH",
    "FanInLines",
    "FanInRefused",
    "FanOutLines",
    "FanOutRefused",
    "FanOutResult",
    "TransferOneCall",
    "TransferResult",
    "account_create",
    "account_debits_freeze",
    "account_debits_unfreeze",
    "account_set_closed",
    "accounts_close",
    "pending_transfers_expire",
    "transfer_one_call",
    "transfer_resolve_one_call",
    "transfers_chain",
    "transfers_create",
    "transfers_fan_in",
    "transfers_fan_out",
]

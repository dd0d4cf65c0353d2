"""Reads from the ledger: balances (now and as of a moment or business date), history,
statements, transfers and the trial balance. Values out, never querysets.

Every read takes the ``actor`` that asks, keyword-only, and shows it only what it may see
(``hujin.ledger.scope``): the system, staff with the ledger read permission and API keys with the
``ledger:read`` scope see the whole ledger; a customer, or staff without that permission, see
only the accounts of the owners a module above lets them read (and the transfers that touch
them) and get "not found" for anyone else's; anyone else is refused with PermissionDenied. The
one function here without an actor, ``readable_owners_register``, is how the module that keeps
owners (customers) tells these reads whose accounts an actor may read, as ``ReadableOwners``.

What the pages call owners and transfer codes (``hujin.ledger.naming``) is registered here too:
``owner_labels_register`` (a resolver answering ``OwnerLabel`` per owner reference, for an
actor) and ``transfer_code_label_register`` (a code's translated label).
"""

from hujin.ledger.naming import (
    OwnerLabel,
    owner_labels,
    owner_labels_register,
    transfer_code_label,
    transfer_code_label_register,
)
from hujin.ledger.scope import (
    CUSTOMER_OWNER_NAMESPACE,
    LEDGER_READ_PERMISSION,
    LEDGER_READ_SCOPE,
    ReadableOwners,
    readable_owners_register,
)
from hujin.ledger.selectors.accounts import (
    account_balances,
    account_get,
    account_history,
    account_overview,
    account_statement,
    account_statement_between,
    accounts_get_many,
    accounts_search,
)
from hujin.ledger.selectors.credits import balances_query, credits_by_day, daily_balances
from hujin.ledger.selectors.transfers import (
    transfer_get,
    transfers_get_many,
    transfers_list,
    trial_balance,
)
from hujin.ledger.selectors.values import (
    DEBIT_NORMAL,
    MAX_PAGE,
    POSTING_KINDS,
    RESOLUTION_STATUS,
    AccountOverview,
    AccountPage,
    Balances,
    HistoryEntry,
    HistoryPage,
    Statement,
    TransferPage,
    TransferView,
    TrialBalanceRow,
    VerifyReport,
)

__all__ = [
    "CUSTOMER_OWNER_NAMESPACE",
    "DEBIT_NORMAL",
    "LEDGER_READ_PERMISSION",
    "LEDGER_READ_SCOPE",
    "MAX_PAGE",
    "POSTING_KINDS",
    "RESOLUTION_STATUS",
    "AccountOverview",
    "AccountPage",
    "Balances",
    "HistoryEntry",
    "HistoryPage",
    "OwnerLabel",
    "ReadableOwners",
    "Statement",
    "TransferPage",
    "TransferView",
    "TrialBalanceRow",
    "VerifyReport",
    "account_balances",
    "account_get",
    "account_history",
    "account_overview",
    "account_statement",
    "account_statement_between",
    "accounts_get_many",
    "accounts_search",
    "balances_query",
    "credits_by_day",
    "daily_balances",
    "owner_labels",
    "owner_labels_register",
    "readable_owners_register",
    "transfer_code_label",
    "transfer_code_label_register",
    "transfer_get",
    "transfers_get_many",
    "transfers_list",
    "trial_balance",
]

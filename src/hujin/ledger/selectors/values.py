"""The values the ledger's reads return: plain frozen dataclasses (and the model rows they
carry), never querysets."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from hujin.ledger.models import Account, AccountKind, Transfer

POSTING_KINDS = ("single", "post_pending")
RESOLUTION_STATUS = {
    "post_pending": "posted",
    "void_pending": "voided",
    "expire_pending": "expired",
}
DEBIT_NORMAL = frozenset({AccountKind.ASSET, AccountKind.EXPENSE})
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Balances:
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int

    def net(self, kind: str) -> int:
        """Posted balance on the account's normal side (debit for assets and expenses)."""
        if kind in DEBIT_NORMAL:
            return self.debits_posted - self.credits_posted
        return self.credits_posted - self.debits_posted

    def available(self, kind: str) -> int:
        """What can still leave the account: the normal-side balance less pending holds."""
        if kind in DEBIT_NORMAL:
            return self.debits_posted - self.credits_posted - self.credits_pending
        return self.credits_posted - self.debits_posted - self.debits_pending

    @classmethod
    def of_account(cls, account: Account) -> "Balances":
        """An account's balances now, as its row holds them."""
        return cls(account.debits_pending, account.debits_posted,
                   account.credits_pending, account.credits_posted)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    seq: int
    transfer_id: uuid.UUID
    kind: str
    side: str  # "debit" or "credit": which side of this transfer the account was on
    amount: int
    currency: str
    other_account_id: uuid.UUID
    code: str
    business_date: date
    created_at: datetime
    balances_after: Balances


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: list[HistoryEntry]
    next_before_seq: int | None


@dataclass(frozen=True, slots=True)
class AccountOverview:
    """An account page: the account, its balances (now, or as of a moment or business date:
    ``balances_as_of`` is None when now) and a page of its history."""

    account: Account
    balances_as_of: Balances | None
    history: HistoryPage


@dataclass(frozen=True, slots=True)
class TransferPage:
    transfers: list[Transfer]
    next_before_seq: int | None


@dataclass(frozen=True, slots=True)
class Statement:
    account: Account
    from_date: date
    to_date: date
    opening: Balances
    closing: Balances
    debits_posted_total: int
    credits_posted_total: int
    entries: list[HistoryEntry]
    next_after_seq: int | None


@dataclass(frozen=True, slots=True)
class AccountPage:
    accounts: list[Account]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class TransferView:
    transfer: Transfer
    # For pending transfers: pending, posted, voided or expired; "" otherwise.
    pending_status: str
    resolution_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    currency: str
    kind: str
    code: str
    accounts: int
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int


@dataclass(frozen=True, slots=True)
class VerifyReport:
    accounts_checked: int
    transfers_checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

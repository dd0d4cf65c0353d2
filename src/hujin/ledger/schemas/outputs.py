"""What goes out of the ledger's API: money as decimal strings ("1234.50") next to its currency,
ids as UUIDs and moments to the microsecond, as stored. ``hujin.ledger.presenters`` makes the
plain dicts these schemas describe.
"""

import uuid
from datetime import date
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from hujin.core.api_errors import ErrorBody, ErrorOut  # noqa: F401 -- the shared error schema
from hujin.ledger.openapi import Money, Timestamp


class BalancesOut(Schema):
    debits_pending: Money
    debits_posted: Money
    credits_pending: Money
    credits_posted: Money
    net: Money = Field(description="Posted balance on the account's normal side.")
    available: Money = Field(description="Net less pending holds against it.")


class AccountOut(Schema):
    id: uuid.UUID
    number: int = Field(description="Increasing in the order accounts are opened; never reused")
    currency: str
    code: str
    kind: str
    normal_side: Literal["debit", "credit"]
    name: str
    owner_ref: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    closed: bool
    debits_frozen: bool = Field(
        description="The ledger refuses every new debit of this account (transfers and posts of "
        "holds answer debits_frozen); credits, voids and expiries still apply."
    )
    debits_frozen_reasons: list[str] = Field(
        description="The codes of the reasons the account's debits are frozen for now, sorted "
        "(e.g. customers.freeze, risk.case:17; legacy: frozen before reasons were recorded). "
        "Its debits stay frozen while at least one remains; empty when they are not frozen."
    )
    metadata: dict[str, Any]
    created_at: Timestamp
    balances: BalancesOut


class AccountDetailOut(AccountOut):
    balances_as_of: Timestamp | None = None
    balances_business_date: date | None = None


class AccountPageOut(Schema):
    items: list[AccountOut]
    next_cursor: str | None


class HistoryEntryOut(Schema):
    seq: int
    transfer_id: uuid.UUID
    kind: str
    side: Literal["debit", "credit"]
    amount: Money
    currency: str
    other_account_id: uuid.UUID
    code: str
    business_date: date
    created_at: Timestamp
    balances_after: BalancesOut


class HistoryPageOut(Schema):
    account_id: uuid.UUID
    currency: str
    entries: list[HistoryEntryOut]
    next_before_seq: int | None


class StatementOut(Schema):
    account: AccountOut
    from_date: date
    to_date: date
    opening: BalancesOut
    closing: BalancesOut
    debits_posted_total: Money
    credits_posted_total: Money
    entries: list[HistoryEntryOut]
    next_after_seq: int | None


class MadeByOut(Schema):
    kind: Literal["staff", "customer", "api_key", "system", "unknown"] = Field(
        description="unknown only on transfers made before the ledger recorded who made them."
    )
    id: str = Field(description="The user's, key's or system job's id (empty when unknown).")


class TransferOut(Schema):
    id: uuid.UUID
    seq: int
    kind: str
    debit_account_id: uuid.UUID
    credit_account_id: uuid.UUID
    amount: Money
    currency: str
    pending_id: uuid.UUID | None
    linked: bool
    timeout_seconds: int | None
    expires_at: Timestamp | None
    code: str
    metadata: dict[str, Any]
    business_date: date
    created_at: Timestamp
    made_by: MadeByOut = Field(description="Who made the transfer.")
    batch_id: uuid.UUID | None = Field(
        description="The call that made it: every transfer of one request shares this id, which "
        "is also the target of that call's audit entry. Null on transfers from before batches "
        "were recorded."
    )


class TransferDetailOut(TransferOut):
    pending_status: Literal["pending", "posted", "voided", "expired"] | None = Field(
        description="For pending transfers: what became of the hold."
    )
    resolution_id: uuid.UUID | None = Field(
        description="The transfer that posted, voided or expired this pending one."
    )


class TransferPageOut(Schema):
    items: list[TransferOut]
    next_before_seq: int | None


class TransferResultOut(Schema):
    id: uuid.UUID
    result: str


class TransfersResultOut(Schema):
    results: list[TransferResultOut]
    ok_count: int = Field(description="How many transfers of the batch were applied.")


class TrialBalanceTotalsOut(Schema):
    accounts: int
    debits_posted: Money
    credits_posted: Money
    debits_pending: Money
    credits_pending: Money
    debit_balance: Money = Field(description="Posted debits over credits, where that is positive.")
    credit_balance: Money = Field(description="Posted credits over debits, where that is positive.")


class TrialBalanceRowOut(TrialBalanceTotalsOut):
    code: str


class TrialBalanceKindOut(Schema):
    kind: str
    normal_side: Literal["debit", "credit"]
    rows: list[TrialBalanceRowOut]
    subtotal: TrialBalanceTotalsOut


class TrialBalanceCurrencyOut(Schema):
    currency: str
    kinds: list[TrialBalanceKindOut]
    total: TrialBalanceTotalsOut
    balanced: bool = Field(description="Total debits equal total credits, posted and pending.")


class TrialBalanceOut(Schema):
    currencies: list[TrialBalanceCurrencyOut]

"""The money that moved in and out of a customer's wallet, for the customer's own pages.

Re-exported by ``hujin.customers.selectors`` (the public face); read from the ledger as the
actor who asks, so the ledger's scope decides: a customer sees their own wallet and nobody
else's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from hujin.core.actors import Actor
from hujin.customers.models import Customer
from hujin.ledger import selectors as ledger_selectors
from hujin.ledger.errors import AccountNotFound

# History pages read to find ``limit`` posted movements among holds and their resolutions.
_PAGES = 4
_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class WalletMovement:
    transfer_id: uuid.UUID
    code: str  # what it was: "topup", "p2p", "fee.transfer", "withdrawal"...
    amount_minor: int  # signed: positive into the wallet, negative out of it
    currency: str
    created_at: datetime
    business_date: date

    @property
    def incoming(self) -> bool:
        return self.amount_minor > 0


def wallet_activity(
    *, actor: Actor, customer_id: uuid.UUID, limit: int = 10
) -> list[WalletMovement]:
    """The latest posted movements of the customer's wallet, newest first, at most ``limit``.

    Only money that moved: single transfers and posted holds. A hold still pending, voided or
    expired changed no balance and is left out. The wallet is a liability account (Hujin owes
    the customer its balance), so a credit is money in. Read as ``actor``: a customer who is
    not this customer, or a customer without a wallet, gets an empty list. Raises
    PermissionDenied for an actor the ledger refuses outright.
    """
    account_id = (
        Customer.objects.filter(id=customer_id).values_list("wallet_account_id", flat=True).first()
    )
    if account_id is None or limit < 1:
        return []
    movements: list[WalletMovement] = []
    before_seq = None
    for _page in range(_PAGES):
        try:
            page = ledger_selectors.account_history(
                actor=actor, account_id=account_id, before_seq=before_seq, limit=_PAGE_SIZE
            )
        except AccountNotFound:
            return []
        for entry in page.entries:
            if entry.kind not in ledger_selectors.POSTING_KINDS:
                continue
            sign = 1 if entry.side == "credit" else -1
            movements.append(
                WalletMovement(
                    transfer_id=entry.transfer_id,
                    code=entry.code,
                    amount_minor=sign * entry.amount,
                    currency=entry.currency,
                    created_at=entry.created_at,
                    business_date=entry.business_date,
                )
            )
            if len(movements) == limit:
                return movements
        before_seq = page.next_before_seq
        if before_seq is None:
            break
    return movements

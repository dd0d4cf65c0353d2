"""Fixtures for the ledger's tests: a fixed clock and a small bookkeeping helper."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Account
from hujin.ledger.services import (
    account_create,
    account_debits_freeze,
    account_debits_unfreeze,
    account_set_closed,
    pending_transfers_expire,
    transfers_create,
)
from tests.ledger.reference_model import ledger_problems

START_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BUSINESS_DATE = date(2026, 3, 2)
BALANCE_FIELDS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")


class Book:
    """Opens accounts, writes transfers through the real services and reads balances back.

    Amounts are integer minor units (fen for CNY). The clock only moves when a test says so.
    """

    def __init__(self) -> None:
        self.now = START_AT
        self.business_date = BUSINESS_DATE

    # -- accounts --------------------------------------------------------------------------------

    def open(self, code: str, *, kind: str = "liability", currency: str = "CNY", **flags):
        account, created = account_create(
            currency=currency, code=code, kind=kind, actor=SYSTEM, now=self.now, **flags
        )
        assert created
        return account.id

    def close(self, account_id: uuid.UUID) -> None:
        account_set_closed(account_id=account_id, closed=True, actor=SYSTEM, now=self.now)

    def reopen(self, account_id: uuid.UUID) -> None:
        account_set_closed(account_id=account_id, closed=False, actor=SYSTEM, now=self.now)

    def freeze(self, account_id: uuid.UUID) -> None:
        """Freeze the account's debits (``account_debits_freeze``)."""
        account_debits_freeze(
            account_ids=[account_id], reason_code="test.freeze", actor=SYSTEM, now=self.now
        )

    def unfreeze(self, account_id: uuid.UUID) -> None:
        """Lift the reason ``freeze`` froze it for."""
        account_debits_unfreeze(
            account_ids=[account_id], reason_code="test.freeze", actor=SYSTEM, now=self.now
        )

    def balances(self, account_id: uuid.UUID) -> dict[str, int]:
        """The account's non-zero balances, e.g. ``{"credits_posted": 10_000}``."""
        row = Account.objects.values(*BALANCE_FIELDS).get(id=account_id)
        return {name: value for name, value in row.items() if value}

    # -- requests --------------------------------------------------------------------------------

    def single(self, debit, credit, amount, **fields) -> TransferRequest:
        return TransferRequest(
            id=fields.pop("id", None) or uuid.uuid4(),
            kind="single",
            debit_account_id=debit,
            credit_account_id=credit,
            amount=amount,
            **fields,
        )

    def pending(self, debit, credit, amount, **fields) -> TransferRequest:
        request = self.single(debit, credit, amount, **fields)
        request.kind = "pending"
        return request

    def post(self, pending: TransferRequest, amount: int | None = None, **fields):
        return TransferRequest(
            id=fields.pop("id", None) or uuid.uuid4(),
            kind="post_pending",
            pending_id=pending.id,
            amount=amount,
            **fields,
        )

    def void(self, pending: TransferRequest, amount: int | None = None, **fields):
        request = self.post(pending, amount, **fields)
        request.kind = "void_pending"
        return request

    # -- writes ----------------------------------------------------------------------------------

    def apply(self, *requests: TransferRequest) -> list[str]:
        """Send one batch; the result code of each transfer, in order."""
        results = transfers_create(
            transfers=list(requests), actor=SYSTEM, now=self.now, business_date=self.business_date
        )
        assert [r.id for r in results] == [r.id for r in requests]
        return [r.result for r in results]

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def expire_due(self) -> int:
        return pending_transfers_expire(
            now=self.now, business_date=self.business_date, actor=SYSTEM
        )


@pytest.fixture
def book(db):
    """A fresh book; when the test is over, the ledger's tables must still add up."""
    yield Book()
    assert ledger_problems() == []

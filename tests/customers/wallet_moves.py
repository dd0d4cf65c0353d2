"""Money in and out of a customer's wallet, for tests: a house bank account and transfers."""

import uuid

from hujin.core.actors import SYSTEM
from hujin.ledger.services import account_create, transfers_create
from hujin.ledger.types import TransferRequest


def bank_account(now):
    account, _ = account_create(
        id=uuid.uuid4(), currency="CNY", code="1001.bank", kind="asset", actor=SYSTEM, now=now
    )
    return account


def move(*requests, now, business_date):
    results = transfers_create(
        transfers=list(requests), actor=SYSTEM, now=now, business_date=business_date
    )
    assert all(r.ok for r in results), results


def topup(bank, customer, amount, code="topup"):
    return TransferRequest(id=uuid.uuid4(), debit_account_id=bank.id, amount=amount,
                           credit_account_id=customer.wallet_account_id, currency="CNY",
                           code=code)  # fmt: skip


def payout(bank, customer, amount, code="withdrawal", kind="single"):
    return TransferRequest(id=uuid.uuid4(), kind=kind, debit_account_id=customer.wallet_account_id,
                           credit_account_id=bank.id, amount=amount, currency="CNY",
                           code=code)  # fmt: skip

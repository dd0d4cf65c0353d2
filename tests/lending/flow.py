"""Helpers of the lending service tests: apply, sign with the texted code, disburse, repay, and
read what the ledger holds for a loan."""

import re
from datetime import date, datetime

from hujin.identity.models import DevSmsMessage
from hujin.ledger.models import Account
from hujin.lending.accounts import house_id, loan_account_id
from hujin.lending.models import Instalment, Loan
from hujin.lending.services import (
    ApplicationInput,
    application_submit,
    contract_preview,
    loan_disburse,
    loan_sign,
    sign_code_send,
)
from hujin.lending.verify import lending_verify
from tests.lending.conftest import customer_actor


def apply(user, product, now, business_date, *, amount=5_000_000, term=12, key="a1",
          purpose="consumption", income=1_500_000, **extra):  # fmt: skip
    data = ApplicationInput(product_id=product.id, amount_minor=amount, term=term,
                            purpose=purpose, monthly_income_minor=income, idempotency_key=key,
                            **extra)  # fmt: skip
    return application_submit(actor=customer_actor(user), data=data, now=now,
                              business_date=business_date)  # fmt: skip


def texted_code() -> str:
    return re.search(r"\b(\d{6})\b", DevSmsMessage.objects.latest("sent_at").text).group(1)


def sign(user, application, now: datetime, business_date: date, language="zh-hans") -> Loan:
    actor = customer_actor(user)
    _, digest, _ = contract_preview(actor=actor, application_id=application.id,
                                    language=language, now=now,
                                    business_date=business_date)  # fmt: skip
    sign_code_send(actor=actor, application_id=application.id, contract_sha256=digest,
                   ip=None, now=now)  # fmt: skip
    return loan_sign(actor=actor, application_id=application.id, contract_sha256=digest,
                     method="sms", code=texted_code(), language=language, now=now,
                     business_date=business_date)  # fmt: skip


def disbursed(user, application, now, business_date) -> Loan:
    from hujin.lending.accounts import ACTOR

    loan = sign(user, application, now, business_date)
    return loan_disburse(actor=ACTOR, loan_id=loan.id, now=now, business_date=business_date)


def balance(account_id) -> int:
    """Debits less credits (an asset's balance), 0 for an account not opened."""
    a = Account.objects.filter(id=account_id).first()
    return 0 if a is None else a.debits_posted - a.credits_posted


def loan_balances(loan) -> dict:
    return {part: balance(loan_account_id(loan.id, part))
            for part in ("principal", "interest", "penalty")}  # fmt: skip


def funding_left() -> int:
    return -balance(house_id("funding"))


def current(loan) -> list[Instalment]:
    loan.refresh_from_db()
    return list(Instalment.objects.filter(loan=loan, schedule_version=loan.schedule_version)
                .order_by("number"))  # fmt: skip


def verified_clean() -> int:
    checked, problems = lending_verify()
    assert problems == [], problems
    return checked


def wallet_of(user):
    from hujin.customers.models import Customer

    return Customer.objects.get(user=user).wallet_account_id


def drain(user, *, leave: int, now, business_date) -> None:
    """Spend all the wallet holds but ``leave`` fen elsewhere."""
    import uuid

    from hujin.ledger.services import account_create, transfers_create
    from hujin.ledger.types import TransferRequest
    from tests.wealth.orders_helpers import TEST

    wallet_id = wallet_of(user)
    a = Account.objects.get(id=wallet_id)
    sink, _ = account_create(id=uuid.uuid4(), currency="CNY", code="9999.test.sink",
                             kind="asset", actor=TEST, now=now)  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=wallet_id,
                                   credit_account_id=sink.id,
                                   amount=a.credits_posted - a.debits_posted - leave,
                                   currency="CNY", code="test.spend")],
        actor=TEST, now=now, business_date=business_date,
    )  # fmt: skip
    assert result.ok


def top_up(user, amount_minor: int, now, business_date) -> None:
    """Money arriving in the customer's own wallet (from a test bank account)."""
    import uuid

    from hujin.ledger.services import account_create, transfers_create
    from hujin.ledger.types import TransferRequest
    from tests.wealth.orders_helpers import TEST

    bank, _ = account_create(id=uuid.uuid4(), currency="CNY", code="1002.test.bank",
                             kind="asset", actor=TEST, now=now)  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=bank.id,
                                   credit_account_id=wallet_of(user), amount=amount_minor,
                                   currency="CNY", code="test.fund")],
        actor=TEST, now=now, business_date=business_date,
    )  # fmt: skip
    assert result.ok

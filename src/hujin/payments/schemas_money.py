"""What goes in and out of the customer's money API (/api/v1/me/quotes, topups, withdrawals,
transfers, confirmation-codes, limits). Amounts are decimal strings in yuan ("1234.50")."""

import uuid
from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from hujin.core.money import format_minor
from hujin.payments.schemas import _In
from hujin.payments.types import PAYMENT_CURRENCY, LimitsLeft, PaymentView

Amount = Field(max_length=20, pattern=r"^\d{1,9}(\.\d{1,2})?$", examples=["100.00"])
Key = Field(
    max_length=64, description="The client's idempotency key: the same key, the same payment."
)


class PaymentConfirmationIn(_In):
    method: Literal["sms", "totp"]
    code: str = Field(max_length=16)


class PaymentQuoteIn(_In):
    kind: Literal["topup", "withdrawal", "transfer"]
    amount: str = Amount


class CardPaymentIn(_In):
    card_id: uuid.UUID
    amount: str = Amount
    idempotency_key: str = Key
    fee_confirmed: str | None = Field(default=None, max_length=20, description="The fee shown.")
    confirmation: PaymentConfirmationIn | None = None


class CustomerTransferPreviewIn(_In):
    payee_mobile: str = Field(max_length=32)
    amount: str = Amount


class CustomerTransferIn(CustomerTransferPreviewIn):
    idempotency_key: str = Key
    fee_confirmed: str | None = Field(default=None, max_length=20)
    confirmation: PaymentConfirmationIn | None = None


class PaymentConfirmationCodeIn(_In):
    kind: Literal["withdrawal", "transfer"]
    amount: str = Amount
    card_id: uuid.UUID | None = Field(default=None, description="A withdrawal's card.")
    payee_mobile: str | None = Field(default=None, max_length=32, description="A transfer's payee.")


class PaymentLimitOut(Schema):
    kind: str
    per_transaction: str | None = Field(description="null: no limit.")
    left_today: str | None
    left_this_month: str | None


class PaymentLimitsOut(Schema):
    items: list[PaymentLimitOut]


class PaymentQuoteOut(Schema):
    kind: str
    currency: str
    amount: str
    fee: str
    total: str = Field(description="What leaves the wallet; for a top-up, what arrives in it.")
    free_left_this_month: int | None
    limits: PaymentLimitOut
    confirmation_required: bool
    confirmation_methods: list[str]


class CustomerTransferPreviewOut(Schema):
    payee_name: str = Field(description="Masked: 张*.")
    payee_mobile: str = Field(description="Masked: 138****5678.")
    currency: str
    amount: str
    fee: str
    confirmation_required: bool
    confirmation_methods: list[str]


class PaymentOut(Schema):
    id: uuid.UUID
    kind: str
    status: str = Field(description="created, pending, unknown, review, succeeded or failed.")
    currency: str
    amount: str
    fee: str
    card_last4: str
    counterparty_name: str
    failure_code: str
    created_at: datetime
    finished_at: datetime | None


class PaymentCodeSentOut(Schema):
    mobile_masked: str
    resend_after_seconds: int


def _money(minor: int | None) -> str | None:
    return None if minor is None else format_minor(minor, PAYMENT_CURRENCY)


def limits_out(left: LimitsLeft) -> dict:
    return {
        "kind": left.kind,
        "per_transaction": _money(left.per_transaction_minor),
        "left_today": _money(left.today_minor),
        "left_this_month": _money(left.month_minor),
    }


def payment_out(payment: PaymentView) -> dict:
    return {
        "id": payment.id,
        "kind": payment.kind,
        "status": payment.status,
        "currency": payment.currency,
        "amount": format_minor(payment.amount_minor, payment.currency),
        "fee": format_minor(payment.fee_minor, payment.currency),
        "card_last4": payment.card_last4,
        "counterparty_name": payment.counterparty_name,
        "failure_code": payment.failure_code,
        "created_at": payment.created_at,
        "finished_at": payment.finished_at,
    }

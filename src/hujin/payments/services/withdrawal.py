"""Withdrawal: money from the customer's wallet to their own bound card (see ``requests``)."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.payments.services.requests import payment_request
from hujin.payments.types import WITHDRAWAL, PaymentView


def withdrawal_request(
    *, actor: Actor, card_id: uuid.UUID, amount_minor: int, idempotency_key: str, now: datetime
) -> PaymentView:
    """Withdraw ``amount_minor`` from the wallet of the customer ``actor`` acts as to their bound
    card ``card_id``: the amount is held (pending) on the wallet, posted when the channel's
    signed callback confirms the payout, voided when it fails.

    Raises IdempotencyKeyInvalid, AmountInvalid, PaymentsNotAllowed, CustomerNotVerified,
    WithdrawalFrozen (a frozen customer: the ledger refuses debits), InsufficientFunds,
    CardNotFound, CardNotActive, WalletNotOpen, IdempotencyKeyReused, PaymentRefusedByLedger.
    """
    return payment_request(
        kind=WITHDRAWAL, actor=actor, card_id=card_id, amount_minor=amount_minor,
        idempotency_key=idempotency_key, now=now,
    )  # fmt: skip

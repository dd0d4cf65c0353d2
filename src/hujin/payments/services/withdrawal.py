"""Withdrawal: money from the customer's wallet to their own bound card (see ``requests``)."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.payments.services.requests import payment_request
from hujin.payments.types import WITHDRAWAL, Confirmation, PaymentView


def withdrawal_request(
    *, actor: Actor, card_id: uuid.UUID, amount_minor: int, idempotency_key: str, now: datetime,
    confirmation: Confirmation | None = None, fee_confirmed_minor: int | None = None,
) -> PaymentView:  # fmt: skip
    """Withdraw ``amount_minor`` from the wallet of the customer ``actor`` acts as to their bound
    card ``card_id``: the amount and its fee are held (pending) on the wallet, posted when the
    channel's signed callback confirms the payout, voided when it fails. A large amount needs
    ``confirmation``; ``fee_confirmed_minor`` is the fee the customer saw and accepted.

    Raises IdempotencyKeyInvalid, AmountInvalid, PaymentsNotAllowed, CustomerNotVerified,
    WithdrawalFrozen (a frozen customer: the ledger refuses debits), InsufficientFunds,
    CardNotFound, CardNotActive, WalletNotOpen, IdempotencyKeyReused, PaymentRefusedByLedger,
    ConfirmationRequired, ConfirmationInvalid, LimitExceeded, ScreeningRefused, FeeChanged.
    """
    return payment_request(
        kind=WITHDRAWAL, actor=actor, card_id=card_id, amount_minor=amount_minor,
        idempotency_key=idempotency_key, now=now, confirmation=confirmation,
        fee_confirmed_minor=fee_confirmed_minor,
    )  # fmt: skip

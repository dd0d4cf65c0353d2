"""Top-up: money from the customer's own bound card into their wallet (see ``requests``)."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.payments.services.requests import payment_request
from hujin.payments.types import TOPUP, Confirmation, PaymentView


def topup_request(
    *, actor: Actor, card_id: uuid.UUID, amount_minor: int, idempotency_key: str, now: datetime,
    confirmation: Confirmation | None = None, fee_confirmed_minor: int | None = None,
) -> PaymentView:  # fmt: skip
    """Top up the wallet of the customer ``actor`` acts as from their bound card ``card_id``:
    a pending credit of the wallet, posted when the channel's signed callback says the card was
    debited. A frozen customer may top up (money in).

    Raises IdempotencyKeyInvalid, AmountInvalid, PaymentsNotAllowed, CustomerNotVerified,
    CardNotFound, CardNotActive, WalletNotOpen, IdempotencyKeyReused, PaymentRefusedByLedger,
    LimitExceeded, ScreeningRefused, FeeChanged.
    """
    return payment_request(
        kind=TOPUP, actor=actor, card_id=card_id, amount_minor=amount_minor,
        idempotency_key=idempotency_key, now=now, confirmation=confirmation,
        fee_confirmed_minor=fee_confirmed_minor,
    )  # fmt: skip

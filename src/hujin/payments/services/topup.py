"""Top-up: money from the customer's own bound card into their wallet (see ``requests``)."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.payments.services.requests import payment_request, request_key
from hujin.payments.services.topup_in_one_call import topup_in_one_call
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

    The plain case is booked in two round trips (``topup_in_one_call``; PostgreSQL).
    """
    if confirmation is None:
        key = request_key(idempotency_key, amount_minor)
        booked = topup_in_one_call(actor=actor, card_id=card_id, amount_minor=amount_minor,
                                   key=key, now=now)  # fmt: skip
        if booked is not None:
            return booked
    return payment_request(
        kind=TOPUP, actor=actor, card_id=card_id, amount_minor=amount_minor,
        idempotency_key=idempotency_key, now=now, confirmation=confirmation,
        fee_confirmed_minor=fee_confirmed_minor,
    )  # fmt: skip

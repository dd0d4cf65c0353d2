"""A payout the platform makes on a customer's behalf: money their wallet received for them (a
loan's principal) sent on to their own bound card through the channel, as a withdrawal is —
the hold on the wallet, then the channel's signed callback posting it (the card is paid) or
voiding it (the money stays in the wallet; the customer is told, as for any withdrawal).

A system asks for it (lending's disbursement), never the customer, and so:

- no fee: the customer did not ask to move their own money; the payout is how the lender pays
  what it owes them;
- no confirmation code: the customer confirmed the contract that decided the payout with a code
  (texted or from their authenticator) when they signed it, card chosen;
- not counted against the customer's withdrawal limits: the money is the lender's until it
  reaches the card, and the limits bound what a customer (or whoever took over their login) may
  take out of their own wallet — counting a signed loan's payout would leave them unable to
  withdraw their own money that day. The screening records it as not counted, so that a failed
  payout gives nothing back either;
- still screened like any withdrawal (a review holds it, a refusal leaves the money in the
  wallet), still refused for a frozen customer, an unbound or inactive card, a wallet that
  cannot pay.

The booking joins the caller's transaction: the payment and its hold commit with the caller's
change (the disbursement) or not at all. The channel is told once that transaction commits; a
payout whose instruction never reached the channel is failed by the recovery
(``payments_unknown_resolve``: not at the channel), the money staying in the wallet.
"""

import uuid
from datetime import datetime
from functools import partial

from django.db import transaction

from hujin.core.actors import Actor
from hujin.customers.selectors import customer_user_id, own_standing
from hujin.payments.errors import NotPermitted, PaymentsNotAllowed
from hujin.payments.presenters import payment_view
from hujin.payments.services.requests import payment_book, request_key, standing_checked
from hujin.payments.services.sending import payment_send
from hujin.payments.types import PAYMENT_REVIEW, WITHDRAWAL, PaymentView

LOAN_DISBURSEMENT = "loan_disbursement"
PAYOUT_PURPOSES = frozenset({LOAN_DISBURSEMENT})


def _standing_of(customer_id: uuid.UUID):
    user_id = customer_user_id(customer_id=customer_id)
    if user_id is None:
        raise PaymentsNotAllowed()
    # Read as the customer sees themselves; every write below is the system's.
    return own_standing(actor=Actor(kind="customer", id=str(user_id)))


def payout_request(
    *, actor: Actor, customer_id: uuid.UUID, card_id: uuid.UUID, amount_minor: int,
    idempotency_key: str, now: datetime, purpose: str,
) -> PaymentView:  # fmt: skip
    """Pay ``amount_minor`` fen out of the wallet of ``customer_id`` to their bound card
    ``card_id``, for ``purpose`` (one of PAYOUT_PURPOSES), on their behalf. ``actor`` must be a
    system. The same ``idempotency_key`` (of that customer) is the same payout: asked again, it
    returns the first one and moves nothing more.

    Returns the payout as booked (``created``; ``review`` when a screen held it); the channel
    is told after the caller's transaction commits (at once when there is none).

    Raises NotPermitted (not a system, or an unknown purpose), IdempotencyKeyInvalid,
    AmountInvalid, PaymentsNotAllowed, CustomerNotVerified, WithdrawalFrozen, CardNotFound,
    CardNotActive, NoChannel, WalletNotOpen, InsufficientFunds, IdempotencyKeyReused,
    PaymentRefusedByLedger, ScreeningRefused."""
    if not isinstance(actor, Actor) or actor.kind != "system":
        raise NotPermitted(details={"reason": "system_only"})
    if purpose not in PAYOUT_PURPOSES:
        raise NotPermitted(details={"reason": "purpose_unknown"})
    key = request_key(idempotency_key, amount_minor)
    standing = standing_checked(_standing_of(customer_id), WITHDRAWAL)
    payment, booked = payment_book(
        kind=WITHDRAWAL, actor=actor, standing=standing, card_id=card_id,
        amount_minor=amount_minor, key=key, now=now, purpose=purpose,
    )  # fmt: skip
    if booked and payment.status != PAYMENT_REVIEW:
        # After the commit: the channel never hears of a payout the caller rolled back. A
        # channel that fails here leaves it ``created`` for the recovery to settle.
        transaction.on_commit(partial(payment_send, payment, now=now), robust=True)
    return payment_view(payment)

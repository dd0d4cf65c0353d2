"""What a customer sees before confirming a payment (a read: nothing moves): the fee, the
total leaving the wallet, what is left of the limits, and whether a code will be asked for."""

from datetime import datetime

from hujin.core.actors import Actor
from hujin.customers.selectors import own_standing
from hujin.identity.services import step_up_methods
from hujin.payments.errors import AmountInvalid, InsufficientFunds, PaymentsNotAllowed
from hujin.payments.services.admission import confirmation_needed, wallet_available
from hujin.payments.services.fees import fee_quote
from hujin.payments.services.limits import limits_left
from hujin.payments.services.requests import MAX_AMOUNT_MINOR
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_KINDS, TOPUP, PaymentQuote


def payment_quote(*, actor: Actor, kind: str, amount_minor: int, now: datetime) -> PaymentQuote:
    """The quote for the customer ``actor`` acts as. Raises AmountInvalid, PaymentsNotAllowed,
    InsufficientFunds (the wallet's available balance does not cover the total going out)."""
    if kind not in PAYMENT_KINDS:
        raise AmountInvalid(details={"field": "kind"})
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise AmountInvalid()
    standing = own_standing(actor=actor)
    if standing is None:
        raise PaymentsNotAllowed()
    fee, free_left = fee_quote(
        customer_id=standing.customer_id, kind=kind, amount_minor=amount_minor, now=now
    )
    needed = confirmation_needed(kind, amount_minor)
    total = amount_minor - fee if kind == TOPUP else amount_minor + fee
    if kind != TOPUP and total > wallet_available(standing.wallet_account_id):
        raise InsufficientFunds()
    return PaymentQuote(
        kind=kind, amount_minor=amount_minor, fee_minor=fee,
        total_minor=total, currency=PAYMENT_CURRENCY,
        free_left_this_month=free_left,
        limits=limits_left(customer_id=standing.customer_id, kind=kind, now=now),
        confirmation_required=needed,
        confirmation_methods=step_up_methods(user_id=standing.user_id) if needed else (),
    )  # fmt: skip


def limits_of(*, actor: Actor, now: datetime):
    """What is left of every kind's limits for the customer ``actor`` acts as (None: not a
    customer)."""
    standing = own_standing(actor=actor)
    if standing is None:
        return None
    return {kind: limits_left(customer_id=standing.customer_id, kind=kind, now=now)
            for kind in PAYMENT_KINDS}  # fmt: skip

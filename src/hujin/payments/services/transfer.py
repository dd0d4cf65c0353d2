"""Transfers between customers: money from the customer's wallet into another customer's, the
payee named by their mobile number.

1. ``transfer_preview``: the payee found by mobile and shown masked (``张*``, ``138****5678``)
   for the customer to confirm, the fee, whether a confirmation code is needed; refusals said
   before anything moves.
2. ``transfer_request``: the confirmation of a large amount checked, then one transaction —
   the screens and limits (``admission``), the payment row (kind ``transfer``, ``succeeded``)
   and one ledger transfer payer's wallet → payee's wallet posted at once (no channel), linked
   with the fee's (wallet → fee income) when there is one, with its audit entry and
   ``payments.transfer_succeeded``. The ledger itself refuses a frozen payer's wallet and one
   short of money; nothing is written then. A transfer a screen holds for review is booked
   pending (``review``) until a reviewer posts or voids it (``review``).

A frozen payee may receive: the ledger allows credits to a wallet whose debits are frozen (the
money stays in it until the freeze is lifted). A closed or unverified payee may not.
"""

import re
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.dates import business_date_get
from hujin.core.ids import new_id
from hujin.core.masking import mask_mobile, mask_name
from hujin.customers.selectors import OwnStanding, own_standing
from hujin.customers.services import wallet_open_if_ready
from hujin.identity.selectors import user_id_for_mobile
from hujin.identity.services import step_up_methods
from hujin.ledger.services import transfers_create
from hujin.payments import events
from hujin.payments.errors import (
    AmountInvalid,
    CustomerNotVerified,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    InsufficientFunds,
    PayeeCannotReceive,
    PayeeIsSelf,
    PayeeNotFound,
    PaymentsNotAllowed,
    WalletNotOpen,
    WithdrawalFrozen,
)
from hujin.payments.models import Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.admission import (
    Refused,
    confirmation_check,
    confirmation_needed,
    movement_admit,
    refusal_record,
    wallet_available,
)
from hujin.payments.services.fees import fee_quote
from hujin.payments.services.house import ACTOR, fee_income_open, payment_transfer_id
from hujin.payments.services.requests import (
    _KEY,
    MAX_AMOUNT_MINOR,
    first_failure,
    hold_transfers,
    payment_record,
)
from hujin.payments.services.transfer_in_one_call import (
    ACTION,
    CHANNEL,
    transfer_in_one_call,
    transfer_movement,
    transfer_recorded,
    transfer_refusal,
)
from hujin.payments.types import (
    PAYMENT_CURRENCY,
    PAYMENT_REVIEW,
    PAYMENT_SUCCEEDED,
    TRANSFER,
    Confirmation,
    PaymentView,
    TransferPreview,
)


def _amount(amount_minor: int) -> int:
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise AmountInvalid()
    return amount_minor


def _payer(actor: Actor) -> OwnStanding:
    standing = own_standing(actor=actor)
    if standing is None:
        raise PaymentsNotAllowed()
    if not standing.verified:
        raise CustomerNotVerified()
    if standing.status == "frozen":
        raise WithdrawalFrozen()
    if standing.status != "active":
        raise PaymentsNotAllowed()
    return standing


def _payee_user_id(payer: OwnStanding, payee_mobile: str) -> uuid.UUID:
    user_id = user_id_for_mobile(mobile=payee_mobile or "")
    if user_id is None:
        raise PayeeNotFound()
    if str(user_id) == str(payer.user_id):
        raise PayeeIsSelf()
    return user_id


def _payee(user_id: uuid.UUID) -> OwnStanding:
    # The payee's standing read as customers reads anyone's own: their name leaves here masked.
    standing = own_standing(actor=Actor(kind="customer", id=str(user_id), label="payee"))
    if standing is None:  # a staff login, or a login without a customer profile
        raise PayeeNotFound()
    if not standing.verified or standing.status not in ("active", "frozen"):
        raise PayeeCannotReceive()
    return standing


def transfer_payee(*, actor: Actor, payee_mobile: str) -> tuple[OwnStanding, OwnStanding]:
    """The payer ``actor`` acts as and the payee registered with ``payee_mobile``, both able to
    take part in a transfer. Raises as ``transfer_preview``."""
    payer = _payer(actor)
    return payer, _payee(_payee_user_id(payer, payee_mobile))


def _wallets(payer: OwnStanding, payee: OwnStanding, actor: Actor, now: datetime):
    # customers locks each profile's row: always in the same order (by id), so that two
    # customers paying each other at the same moment wait for each other instead of deadlocking.
    wallets = {}
    for customer_id, who in sorted(
        ((payer.customer_id, actor), (payee.customer_id, ACTOR)), key=lambda pair: str(pair[0])
    ):
        wallets[customer_id] = wallet_open_if_ready(customer_id=customer_id, actor=who, now=now)
    if wallets[payer.customer_id] is None:
        raise WalletNotOpen()
    if wallets[payee.customer_id] is None:
        raise PayeeCannotReceive()
    return wallets[payer.customer_id], wallets[payee.customer_id]


def _mobile_shown(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return mask_mobile(digits)


def transfer_preview(
    *, actor: Actor, payee_mobile: str, amount_minor: int, now: datetime
) -> TransferPreview:
    """What the customer ``actor`` acts as confirms before sending ``amount_minor`` fen to the
    customer registered with ``payee_mobile``: the payee's masked name and mobile, the fee.
    No money moves.

    Raises AmountInvalid, PaymentsNotAllowed, CustomerNotVerified, WithdrawalFrozen (a frozen
    payer), PayeeNotFound, PayeeIsSelf, PayeeCannotReceive, WalletNotOpen, InsufficientFunds.
    """
    amount = _amount(amount_minor)
    payer = _payer(actor)
    payee = _payee(_payee_user_id(payer, payee_mobile))
    payer_wallet, _ = _wallets(payer, payee, actor, now)
    fee, _ = fee_quote(customer_id=payer.customer_id, kind=TRANSFER, amount_minor=amount, now=now)
    if wallet_available(payer_wallet) < amount + fee:
        raise InsufficientFunds()
    return TransferPreview(
        payee_name=mask_name(payee.legal_name), payee_mobile=_mobile_shown(payee_mobile),
        amount_minor=amount, fee_minor=fee, currency=PAYMENT_CURRENCY,
        confirmation_required=confirmation_needed(TRANSFER, amount),
        confirmation_methods=step_up_methods(user_id=payer.user_id),
    )  # fmt: skip


def _existing(customer_id: uuid.UUID, key: str) -> Payment | None:
    return (
        Payment.objects.select_related("card", "customer", "payee")
        .filter(customer_id=customer_id, idempotency_key=key)
        .first()
    )


def _same_or_reused(payment: Payment, payee_user_id: uuid.UUID, amount_minor: int) -> PaymentView:
    if (
        payment.kind != TRANSFER
        or payment.payee is None
        or str(payment.payee.user_id) != str(payee_user_id)
        or payment.amount != amount_minor
    ):
        raise IdempotencyKeyReused()
    return payment_view(payment)


def transfer_request(
    *, actor: Actor, payee_mobile: str, amount_minor: int, idempotency_key: str, now: datetime,
    confirmation: Confirmation | None = None, fee_confirmed_minor: int | None = None,
) -> PaymentView:  # fmt: skip
    """Send ``amount_minor`` fen from the wallet of the customer ``actor`` acts as to the
    customer registered with ``payee_mobile``, posted at once (or held, when a screen asks for
    a review). The same ``idempotency_key`` returns the first transfer and moves no more money.
    A large amount needs ``confirmation``; ``fee_confirmed_minor`` is the fee the customer saw.

    Raises IdempotencyKeyInvalid, IdempotencyKeyReused and everything ``transfer_preview``
    raises; InsufficientFunds and WithdrawalFrozen also when the ledger refuses the debit;
    ConfirmationRequired, ConfirmationInvalid, LimitExceeded, ScreeningRefused, FeeChanged.
    """
    key = (idempotency_key or "").strip()
    if not _KEY.match(key):
        raise IdempotencyKeyInvalid()
    amount = _amount(amount_minor)
    booked = transfer_in_one_call(
        actor=actor, payee_mobile=payee_mobile, amount_minor=amount, idempotency_key=key, now=now
    )
    if booked is not None:
        return booked
    payer = _payer(actor)
    payee_user_id = _payee_user_id(payer, payee_mobile)
    existing = _existing(payer.customer_id, key)
    if existing is not None:
        return _same_or_reused(existing, payee_user_id, amount)
    payee = _payee(payee_user_id)
    confirmation_check(
        user_id=payer.user_id, customer_id=payer.customer_id, kind=TRANSFER, amount_minor=amount,
        counterparty=payee_user_id, confirmation=confirmation, now=now,
        wallet_account_id=payer.wallet_account_id,
    )  # fmt: skip
    movement = transfer_movement(payer=payer, payee_customer_id=payee.customer_id, amount=amount,
                                 now=now, reference=new_id())  # fmt: skip
    try:
        payment = _post(movement, actor, payer, payee, key, fee_confirmed_minor, now)
    except Refused as refused:
        raise refusal_record(movement=movement, refused=refused, actor=actor, now=now) from None
    except IntegrityError:  # the same key, asked at the same time: the first one won
        existing = _existing(payer.customer_id, key)
        if existing is None:
            raise
        return _same_or_reused(existing, payee_user_id, amount)
    return payment_view(payment)


def _post(movement, actor, payer, payee, key, fee_confirmed_minor, now) -> Payment:
    amount = movement.amount_minor
    with transaction.atomic():
        payer_wallet, payee_wallet = _wallets(payer, payee, actor, now)
        fee_income = fee_income_open(now=now)
        admitted = movement_admit(
            movement=movement, fee_confirmed_minor=fee_confirmed_minor, now=now
        )
        held = admitted.held_for_review
        payment = Payment(
            id=movement.reference,
            customer_id=payer.customer_id, payee_id=payee.customer_id, idempotency_key=key,
            kind=TRANSFER, amount=amount, fee=admitted.fee_minor, currency=PAYMENT_CURRENCY,
            status=PAYMENT_REVIEW if held else PAYMENT_SUCCEEDED, channel=CHANNEL,
            created_at=now, updated_at=now, finished_at=None if held else now,
            screening=admitted.screening,
        )  # fmt: skip
        # Posted at once, a transfer's ledger transfer is the "hold" and the outcome; held for
        # review, it is pending until the reviewer posts or voids it.
        payment.hold_transfer_id = payment_transfer_id(payment.id, "hold" if held else "post")
        payment.save(force_insert=True)
        results = transfers_create(
            transfers=hold_transfers(payment, payer_wallet, payee_wallet, fee_income,
                                     "pending" if held else "single"),
            actor=actor, now=now, business_date=business_date_get(now=now),
        )  # fmt: skip
        failure = first_failure(results)
        if failure is not None:
            raise transfer_refusal(failure)
        payment = Payment.objects.select_related("card", "customer", "payee").get(pk=payment.pk)
        after, extra = transfer_recorded(payment, payee)
        payment_record(
            payment, actor=actor, action=ACTION,
            event=events.PAYMENT_HELD if held else events.TRANSFER_SUCCEEDED,
            now=now, after=after, **extra,
        )  # fmt: skip
    return payment

"""A top-up or a withdrawal asked for by a customer: the hold in the ledger, then the channel.

1. One transaction: the payment row (``created``) and the ledger's PENDING transfer — for a
   top-up the channel's clearing account → the wallet, for a withdrawal the wallet → withdrawals
   in flight (the ledger refuses a frozen wallet or one short of money: nothing is written) —
   with its audit entry and ``payments.payment_requested`` event.
2. Outside it, the channel takes the instruction (``pay_in`` / ``pay_out``) and the payment
   becomes ``pending`` with the channel's reference, or ``unknown`` when the channel did not
   answer (the recovery job asks it later).

The client's idempotency key makes a request safe to repeat: the same key of the same customer
returns the first payment and moves no more money; the same key for another payment is refused.
"""

import re
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.core.screening import Movement
from hujin.customers.selectors import own_standing
from hujin.customers.services import wallet_open_if_ready
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_create
from hujin.ledger.types import TransferRequest
from hujin.payments import events
from hujin.payments.channels import card_channel, channels_route
from hujin.payments.errors import (
    AmountInvalid,
    CardNotActive,
    CardNotFound,
    CustomerNotVerified,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    InsufficientFunds,
    NoChannel,
    PaymentRefusedByLedger,
    PaymentsNotAllowed,
    WalletNotOpen,
    WithdrawalFrozen,
)
from hujin.payments.models import Card, Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.admission import (
    Refused,
    confirmation_check,
    movement_admit,
    refusal_record,
)
from hujin.payments.services.house import (
    fee_transfer_id,
    house_accounts_open,
    payment_transfer_id,
)
from hujin.payments.services.sending import payment_send
from hujin.payments.types import (
    CARD_ACTIVE,
    PAYMENT_CREATED,
    PAYMENT_CURRENCY,
    PAYMENT_REVIEW,
    TOPUP,
    WITHDRAWAL,
    Confirmation,
    PaymentView,
)

TARGET = "payments.payment"
_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# The largest amount one payment may carry (10 million yuan): far above any limit, below overflow.
MAX_AMOUNT_MINOR = 10_000_000_00


def payment_record(payment: Payment, *, actor: Actor, action: str, event: str, now: datetime,
                   before=None, after=None, **extra) -> None:  # fmt: skip
    """The audit entry and the outbox event of a change of ``payment`` (references only)."""
    audit_record(
        actor=actor, action=action, target_type=TARGET, target_id=str(payment.id),
        occurred_at=now, before=before, after=after,
    )  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(payment.id), event_type=event, occurred_at=now,
        payload=payment_event_payload(payment, payment.customer.user_id, **extra),
    )  # fmt: skip


def payment_event_payload(payment: Payment, user_id, **extra) -> dict:
    """What a payment's events say of it (references only); ``user_id``: the customer's login."""
    return {
        "payment_id": str(payment.id), "customer_id": str(payment.customer_id),
        "user_id": str(user_id), "kind": payment.kind, "amount_minor": payment.amount,
        "currency": payment.currency, **extra,
    }  # fmt: skip


def ledger_refusal(result: str, kind: str) -> Exception:
    """What the customer is told when the ledger refuses a top-up's or a withdrawal's hold."""
    if result == Result.DEBITS_FROZEN and kind == WITHDRAWAL:
        return WithdrawalFrozen()
    if result == Result.EXCEEDS_CREDITS and kind == WITHDRAWAL:
        return InsufficientFunds()
    return PaymentRefusedByLedger(details={"ledger_result": result})


def _same_or_reused(payment: Payment, kind: str, card_id, amount_minor: int) -> PaymentView:
    if payment.kind != kind or payment.card_id != card_id or payment.amount != amount_minor:
        raise IdempotencyKeyReused()
    return payment_view(payment)


def _existing(customer_id: uuid.UUID, key: str) -> Payment | None:
    return (
        Payment.objects.select_related("card", "customer")
        .filter(customer_id=customer_id, idempotency_key=key)
        .first()
    )


def _standing(actor: Actor, kind: str):
    return standing_checked(own_standing(actor=actor), kind)


def standing_checked(standing, kind: str):
    """``standing`` if that customer may make a payment of ``kind`` now; else the refusal."""
    if standing is None:
        raise PaymentsNotAllowed()
    if not standing.verified:
        raise CustomerNotVerified()
    if standing.status == "frozen" and kind == WITHDRAWAL:
        raise WithdrawalFrozen()
    if standing.status not in ("active", "frozen"):
        raise PaymentsNotAllowed()
    return standing


def payment_request(
    *, kind: str, actor: Actor, card_id: uuid.UUID, amount_minor: int, idempotency_key: str,
    now: datetime, confirmation: Confirmation | None = None,
    fee_confirmed_minor: int | None = None,
) -> PaymentView:  # fmt: skip
    """A top-up or a withdrawal of ``amount_minor`` fen with the customer's own bound card."""
    key = request_key(idempotency_key, amount_minor)
    standing = _standing(actor, kind)
    payment, booked = payment_book(
        kind=kind, actor=actor, standing=standing, card_id=card_id, amount_minor=amount_minor,
        key=key, now=now, confirmation=confirmation, fee_confirmed_minor=fee_confirmed_minor,
    )  # fmt: skip
    if not booked or payment.status == PAYMENT_REVIEW:
        return payment_view(payment)
    return payment_send(payment, now=now)


def request_key(idempotency_key: str, amount_minor: int) -> str:
    """The idempotency key, stripped, once it and the amount are valid (else the refusal)."""
    key = (idempotency_key or "").strip()
    if not _KEY.match(key):
        raise IdempotencyKeyInvalid()
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise AmountInvalid()
    return key


def payment_book(
    *, kind: str, actor: Actor, standing, card_id: uuid.UUID, amount_minor: int, key: str,
    now: datetime, confirmation: Confirmation | None = None,
    fee_confirmed_minor: int | None = None, purpose: str = "",
) -> tuple[Payment, bool]:  # fmt: skip
    """Book a top-up or a withdrawal of the customer ``standing`` (the payment row and the
    ledger's hold, in one transaction: the caller's, when there is one); not yet at the channel.
    Returns the payment and whether it was booked now (False: the same key's earlier one).

    ``purpose``: a payout the platform makes on the customer's behalf (``payout``): no
    confirmation code, no fee, not counted against the customer's limits; still screened."""
    existing = _existing(standing.customer_id, key)
    if existing is not None:
        _same_or_reused(existing, kind, card_id, amount_minor)
        return existing, False
    card = (
        Card.objects.filter(id=card_id, customer_id=standing.customer_id)
        .values_list("bank_code", "bound_at").first()
    )  # fmt: skip
    bank_code, bound_at = card or (None, None)
    route = channels_route(bank_code=bank_code or "", amount_minor=amount_minor, now=now)
    if bank_code is not None and not route:
        raise NoChannel()
    if not purpose:  # a payout's customer confirmed, with a code, what decided it
        confirmation_check(
            user_id=standing.user_id, customer_id=standing.customer_id, kind=kind,
            amount_minor=amount_minor, counterparty=card_id, confirmation=confirmation,
            now=now, wallet_account_id=standing.wallet_account_id,
        )  # fmt: skip
    channel = route[0] if route else card_channel()
    movement = card_movement(
        standing, kind=kind, amount=amount_minor, channel=channel.name, card_id=card_id,
        bound_at=bound_at, purpose=purpose, now=now, reference=new_id(),
    )  # fmt: skip
    try:
        payment = _hold(movement, actor, card_id, key, fee_confirmed_minor, now, purpose)
    except Refused as refused:
        raise refusal_record(movement=movement, refused=refused, actor=actor, now=now) from None
    except IntegrityError:  # the same key, asked at the same time: the first one won
        existing = _existing(standing.customer_id, key)
        if existing is None:
            raise
        _same_or_reused(existing, kind, card_id, amount_minor)
        return existing, False
    return payment, True


def card_movement(standing, *, kind: str, amount: int, channel: str, card_id, bound_at,
                  purpose: str = "", now: datetime, reference: uuid.UUID) -> Movement:  # fmt: skip
    """A top-up or a withdrawal with the card ``card_id`` (bound at ``bound_at``) as its screens
    see it (both ways build it here)."""
    counterparty = {"card_id": str(card_id), **({"purpose": purpose} if purpose else {}),
                    **({"bound_at": bound_at.isoformat()} if bound_at else {})}  # fmt: skip
    return Movement(
        customer_id=standing.customer_id, user_id=standing.user_id, kind=kind,
        direction="in" if kind == TOPUP else "out", amount_minor=amount,
        currency=PAYMENT_CURRENCY, occurred_at=now, channel=channel,
        counterparty=counterparty, reference=reference,
    )  # fmt: skip


def hold_transfers(payment: Payment, debit, credit, fee_income, kind: str) -> list:
    """The ledger transfers booking ``payment`` (``kind`` pending or single): the amount, and
    the fee from the same account to the fee income, linked so that both happen or neither.
    A top-up's fee comes out of what the card paid (the wallet gets the amount less the fee);
    a withdrawal's or a transfer's is taken from the wallet on top of the amount."""
    fee = payment.fee
    metadata = {"payment_id": str(payment.id)}
    transfers = [
        TransferRequest(
            id=payment.hold_transfer_id, kind=kind, debit_account_id=debit,
            credit_account_id=credit, currency=payment.currency,
            amount=payment.amount - fee if payment.kind == TOPUP else payment.amount,
            code=f"payments.{payment.kind}", metadata=metadata, linked=fee > 0,
        )
    ]  # fmt: skip
    if fee > 0:
        transfers.append(
            TransferRequest(
                id=fee_transfer_id(payment), kind=kind, debit_account_id=debit,
                credit_account_id=fee_income, amount=fee, currency=payment.currency,
                code="payments.fee", metadata=metadata,
            )
        )  # fmt: skip
    return transfers


def first_failure(results) -> str | None:
    """The result that made a linked chain fail (not its "linked event failed" echoes)."""
    failed = [r.result for r in results if not r.ok]
    causes = [r for r in failed if r != Result.LINKED_EVENT_FAILED]
    return (causes or failed or [None])[0]


def _hold(movement: Movement, actor, card_id, key, fee_confirmed_minor, now, purpose) -> Payment:
    kind = movement.kind
    with transaction.atomic():
        card = Card.objects.filter(id=card_id, customer_id=movement.customer_id).first()
        if card is None:
            raise CardNotFound()
        if card.status != CARD_ACTIVE:
            raise CardNotActive()
        wallet_id = wallet_open_if_ready(customer_id=movement.customer_id, actor=actor, now=now)
        if wallet_id is None:
            raise WalletNotOpen()
        house = house_accounts_open(channel=movement.channel, now=now)
        admitted = movement_admit(movement=movement, fee_confirmed_minor=fee_confirmed_minor,
                                  now=now, fee_free=bool(purpose))  # fmt: skip
        if kind == TOPUP and admitted.fee_minor >= movement.amount_minor:
            raise AmountInvalid(details={"fee_minor": admitted.fee_minor})
        status = PAYMENT_REVIEW if admitted.held_for_review else PAYMENT_CREATED
        payment = Payment(
            id=movement.reference,
            customer_id=movement.customer_id, idempotency_key=key, kind=kind, card=card,
            amount=movement.amount_minor, fee=admitted.fee_minor, currency=PAYMENT_CURRENCY,
            status=status, channel=movement.channel, created_at=now, updated_at=now,
            screening=admitted.screening,
        )  # fmt: skip
        payment.hold_transfer_id = payment_transfer_id(payment.id, "hold")
        payment.save(force_insert=True)
        payment = Payment.objects.select_related("card", "customer").get(pk=payment.pk)
        payment_record(
            payment, actor=actor, action=f"payments.{kind}_request",
            event=events.PAYMENT_HELD if admitted.held_for_review else events.PAYMENT_REQUESTED,
            now=now,
            after={"status": status, "amount_minor": movement.amount_minor,
                   "fee_minor": payment.fee, "card_id": str(card_id),
                   "screening": admitted.screening.outcome,
                   **({"purpose": purpose} if purpose else {})},
            **({"purpose": purpose} if purpose else {}),
        )  # fmt: skip
        # The ledger last: the channel's clearing account, which every top-up debits, stays
        # locked from here to the commit only (a refusal rolls all of it back).
        debit, credit = (
            (house.clearing_id, wallet_id) if kind == TOPUP else (wallet_id, house.in_flight_id)
        )
        results = transfers_create(
            transfers=hold_transfers(payment, debit, credit, house.fee_income_id, "pending"),
            actor=actor, now=now, business_date=business_date_get(now=now),
        )  # fmt: skip
        failure = first_failure(results)
        if failure is not None:
            raise ledger_refusal(failure, kind)
    return payment

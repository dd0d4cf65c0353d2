"""A transfer between customers in two round trips (PostgreSQL): what ``transfer_request``
tries first (``one_call``: the facts read by ``payments_transfer_facts``, payments migration
0007, with the payee found by their mobile's blind index; the booking by
``payments_payment_book``, migration 0008).

Only the plain case goes this way: a payer and a payee who may pay and receive, with open
wallets, a new key, an amount below the confirmation threshold that the limits allow, no fee,
every other screen in force letting it go (``one_call.screens_beside``). Anything else returns
None with nothing written, and ``transfer_request`` goes the general way, which says why it
refuses or holds.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.dates import DEFAULT_NAME
from hujin.core.ids import new_id
from hujin.core.screening import Movement
from hujin.core.sql import Dialect, hot_rows
from hujin.customers.selectors import OwnStanding, standing_of_row
from hujin.identity.selectors import mobile_lookup_index
from hujin.ledger.errors import Result
from hujin.payments import events
from hujin.payments.errors import InsufficientFunds, PaymentRefusedByLedger, WithdrawalFrozen
from hujin.payments.models import Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.house import payment_transfer_id
from hujin.payments.services.one_call import (
    FACTS_COLUMNS,
    Booking,
    attempts_run,
    may_go_in_one_call,
    payment_book_in_one_call,
    plain_decided,
    screens_beside,
    totals_days,
)
from hujin.payments.services.requests import hold_transfers
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_SUCCEEDED, TRANSFER, PaymentView

CHANNEL = "internal"  # a transfer never leaves Hujin: no channel, no reference
ACTION = "payments.transfer"

_FACTS = f"SELECT {FACTS_COLUMNS} FROM payments_transfer_facts(%s, %s, %s, %s, %s, %s, %s)"


def transfer_movement(*, payer: OwnStanding, payee_customer_id: uuid.UUID, amount: int,
                      now: datetime, reference: uuid.UUID) -> Movement:  # fmt: skip
    """A transfer between customers as its screens see it (both ways build it here)."""
    return Movement(
        customer_id=payer.customer_id, user_id=payer.user_id, kind=TRANSFER, direction="out",
        amount_minor=amount, currency=PAYMENT_CURRENCY, occurred_at=now, channel=CHANNEL,
        counterparty={"customer_id": str(payee_customer_id)}, reference=reference,
    )  # fmt: skip


def transfer_refusal(result: str) -> Exception:
    """What the payer is told when the ledger refuses a transfer's debit."""
    if result == Result.DEBITS_FROZEN:
        return WithdrawalFrozen()
    if result == Result.EXCEEDS_CREDITS:
        return InsufficientFunds()
    return PaymentRefusedByLedger(details={"ledger_result": result})


def transfer_recorded(payment: Payment, payee: OwnStanding) -> tuple[dict, dict]:
    """A booked transfer's audit entry's ``after`` and its event's references to the payee."""
    after = {"status": payment.status, "amount_minor": payment.amount, "fee_minor": payment.fee,
             "payee_customer_id": str(payee.customer_id)}  # fmt: skip
    extra = {"payee_customer_id": str(payee.customer_id), "payee_user_id": str(payee.user_id)}
    return after, extra


def _can_pay(payer: OwnStanding | None) -> bool:
    return (
        payer is not None and payer.verified and payer.status == "active"
        and payer.wallet_account_id is not None
    )  # fmt: skip


def _can_receive(payee: OwnStanding | None, payer: OwnStanding) -> bool:
    return (
        payee is not None and payee.user_id != payer.user_id and payee.verified
        and payee.status in ("active", "frozen") and payee.wallet_account_id is not None
    )  # fmt: skip


def transfer_in_one_call(
    *, actor: Actor, payee_mobile: str, amount_minor: int, idempotency_key: str, now: datetime
) -> PaymentView | None:
    """Book the transfer in two round trips when it is the plain case (see the module; it has
    no fee, so none the customer confirmed can be short of it); None when it is not: nothing
    was written then. A booking that found the payer's totals past what its decision holds for
    (another payment of theirs meanwhile) decides again, up to ``ATTEMPTS`` times. Raises what
    the ledger's refusal means (``transfer_refusal``): nothing was written either."""
    d = Dialect()
    if not may_go_in_one_call(d, actor, TRANSFER, amount_minor):
        return None
    index = mobile_lookup_index(mobile=payee_mobile or "")
    if index is None:
        return None
    try:
        payer_user = uuid.UUID(str(actor.id))
    except ValueError:
        return None
    asked = _Asked(payer_user, index, amount_minor, idempotency_key, now)
    return attempts_run(lambda others: _attempt(d, actor, asked, others))


@dataclass(frozen=True, slots=True)
class _Asked:
    payer_user: uuid.UUID
    payee_index: str
    amount: int
    key: str
    now: datetime


def _attempt(d: Dialect, actor: Actor, asked: _Asked, others: frozenset[str]):
    amount, now = asked.amount, asked.now
    (row,) = hot_rows(d, _FACTS, [asked.payer_user, asked.payee_index, asked.key, TRANSFER,
                                  *totals_days(now), DEFAULT_NAME])  # fmt: skip
    business_date, payee_user, existing = row[0], row[7], row[14]
    payer = standing_of_row(asked.payer_user, (*row[1:5], "", row[6]))  # their name: not needed
    if business_date is None or existing is not None or not _can_pay(payer):
        return None
    payee = standing_of_row(payee_user, row[8:14]) if payee_user is not None else None
    if not _can_receive(payee, payer):
        return None
    decided = plain_decided(d, row, kind=TRANSFER, payer=payer, amount=amount, now=now)
    if decided is None:
        return None  # the general way refuses, or books the fee linked to the transfer

    payment = Payment(
        customer_id=payer.customer_id, payee_id=payee.customer_id, idempotency_key=asked.key,
        kind=TRANSFER, amount=amount, fee=0, currency=PAYMENT_CURRENCY, status=PAYMENT_SUCCEEDED,
        channel=CHANNEL, created_at=now, updated_at=now, finished_at=now, screening_id=new_id(),
    )  # fmt: skip
    movement = transfer_movement(payer=payer, payee_customer_id=payee.customer_id,
                                 amount=amount, now=now, reference=payment.id)  # fmt: skip
    if not screens_beside(movement, others):
        return None
    payment.hold_transfer_id = payment_transfer_id(payment.id, "post")
    (transfer,) = hold_transfers(
        payment, payer.wallet_account_id, payee.wallet_account_id, None, "single"
    )
    after, extra = transfer_recorded(payment, payee)
    booked = payment_book_in_one_call(
        d, actor=actor, payment=payment, payer=payer, decided=decided,
        booking=Booking(transfer=transfer, action=ACTION, after=after,
                        event_type=events.TRANSFER_SUCCEEDED, extra=extra),
        business_date=business_date, refusal=transfer_refusal,
    )  # fmt: skip
    if booked is not True:
        return booked
    return payment_view(payment, payee_name=payee.legal_name)

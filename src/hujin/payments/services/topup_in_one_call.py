"""A top-up in two round trips to book it (PostgreSQL): what ``payment_request`` tries first for
a top-up (``one_call``).

1. One read: ``payments_transfer_facts`` (the payer's side: standing, the key, limit and fee
   rules, running totals, business date) with the card and the configured channels beside it.
2. Python decides with the general way's rules and picks the channel (``route_among``); the
   booking writes the payment (``created``), its screening decision, the running totals, the
   ledger's pending credit of the wallet from the channel's clearing account, the audit entry
   and ``payments.payment_requested`` in one statement (``payments_payment_book``).
3. The channel takes the instruction as on the general way (``payment_send``, failing over while
   channels are down).

Only the plain case goes this way: a verified customer who may top up, with an open wallet and
the active card ``card_id`` of their own, a new key, an amount below the confirmation threshold
that the limits allow, no fee, a channel that takes it, every other screen in force letting it
go (``one_call.screens_beside``). Anything else returns None with nothing written, and the
general way says why it refuses or holds.
"""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.dates import DEFAULT_NAME
from hujin.core.ids import new_id
from hujin.core.sql import Dialect, hot_rows
from hujin.customers.selectors import standing_of_row
from hujin.payments import events
from hujin.payments.channels import CHANNELS_JSON_SQL, channel_rows_json, route_among
from hujin.payments.models import Card, Payment
from hujin.payments.services.house import house_accounts_open, payment_transfer_id
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
from hujin.payments.services.requests import card_movement, hold_transfers, ledger_refusal
from hujin.payments.services.sending import payment_send
from hujin.payments.types import (
    CARD_ACTIVE,
    PAYMENT_CREATED,
    PAYMENT_CURRENCY,
    TOPUP,
    PaymentView,
)

_FACTS = (
    f"SELECT {FACTS_COLUMNS}, c.status, c.bank_code, c.last4, c.number, c.holder_name, "
    f"{CHANNELS_JSON_SQL}, c.bound_at "
    "FROM payments_transfer_facts(%s, NULL, %s, %s, %s, %s, %s) "
    "LEFT JOIN payments_card c ON c.id = %s AND c.customer_id = payer_customer"
)


def topup_in_one_call(
    *, actor: Actor, card_id: uuid.UUID, amount_minor: int, key: str, now: datetime
) -> PaymentView | None:
    """Book the top-up in two round trips and give it to its channel when it is the plain case
    (see the module); None when it is not: nothing was written then. ``key`` and
    ``amount_minor`` are valid already (``request_key``). Raises what the ledger's refusal
    means: nothing was written either."""
    d = Dialect()
    if not isinstance(card_id, uuid.UUID) or not may_go_in_one_call(d, actor, TOPUP, amount_minor):
        return None
    try:
        user_id = uuid.UUID(str(actor.id))
    except ValueError:
        return None
    booked = attempts_run(
        lambda others: _attempt(d, actor, user_id, card_id, amount_minor, key, now, others)
    )
    if booked is None:
        return None
    payment, route = booked  # committed: now the channel may be told
    return payment_send(payment, now=now, route=route)


def _attempt(d: Dialect, actor, user_id, card_id, amount: int, key: str, now: datetime,
             others: frozenset[str]):  # fmt: skip
    (row,) = hot_rows(d, _FACTS, [user_id, key, TOPUP, *totals_days(now), DEFAULT_NAME, card_id])
    business_date, existing = row[0], row[14]
    card_status, bank_code, last4, number, holder_name, channels, bound_at = row[26:33]
    payer = standing_of_row(user_id, (*row[1:5], "", row[6]))  # their name: not needed
    if business_date is None or existing is not None or payer is None or not payer.verified:
        return None
    if payer.status not in ("active", "frozen") or payer.wallet_account_id is None:
        return None  # a frozen customer may top up (money in)
    if card_status != CARD_ACTIVE:
        return None
    route = route_among(channel_rows_json(d.json_out(channels)), bank_code=bank_code or "",
                        amount_minor=amount, now=now)  # fmt: skip
    if not route:
        return None
    decided = plain_decided(d, row, kind=TOPUP, payer=payer, amount=amount, now=now)
    if decided is None:
        return None

    secrets = _decrypted(d, number=number, holder_name=holder_name)
    card = Card(id=card_id, customer_id=payer.customer_id, bank_code=bank_code, last4=last4,
                status=card_status, **secrets)  # fmt: skip
    payment = Payment(
        customer_id=payer.customer_id, idempotency_key=key, kind=TOPUP, card=card, amount=amount,
        fee=0, currency=PAYMENT_CURRENCY, status=PAYMENT_CREATED, channel=route[0].name,
        created_at=now, updated_at=now, screening_id=new_id(),
    )  # fmt: skip
    movement = card_movement(
        payer, kind=TOPUP, amount=amount, channel=payment.channel, card_id=card_id,
        bound_at=bound_at, now=now, reference=payment.id,
    )  # fmt: skip
    if not screens_beside(movement, others):
        return None
    payment.hold_transfer_id = payment_transfer_id(payment.id, "hold")
    house = house_accounts_open(channel=payment.channel, now=now)
    (transfer,) = hold_transfers(
        payment, house.clearing_id, payer.wallet_account_id, house.fee_income_id, "pending"
    )
    after = {"status": PAYMENT_CREATED, "amount_minor": amount, "fee_minor": 0,
             "card_id": str(card_id), "screening": "allow"}  # fmt: skip
    booked = payment_book_in_one_call(
        d, actor=actor, payment=payment, payer=payer, decided=decided,
        booking=Booking(transfer=transfer, action=f"payments.{TOPUP}_request", after=after,
                        event_type=events.PAYMENT_REQUESTED, extra={}),
        business_date=business_date, refusal=lambda result: ledger_refusal(result, TOPUP),
    )  # fmt: skip
    return (payment, route) if booked is True else booked


def _decrypted(d: Dialect, **stored) -> dict:
    """The card's encrypted fields as the ORM reads them."""
    return {
        name: Card._meta.get_field(name).from_db_value(value, None, d.conn)
        for name, value in stored.items()
    }

"""Handing a booked payment (``created``) to a channel, failing over to the next one when a
channel is down (``channels.routing``).

The first channel of the route took the hold: for a top-up its clearing account is the one
debited. When it refuses the connection (``ChannelDown``), it is marked down and, in one
transaction, the payment moves to the next channel: its holds on the first are voided and new
ones placed on the next (ids derived from the payment's id and the channel's name, so a retried
move names the same transfers), audited as ``payments.payment_rerouted``. When no channel is left
the payment fails (``channels_down``) and the money is back. A channel whose answer did not come
is never failed over: the payment is ``unknown`` until the recovery's query says what it did.
"""

from datetime import datetime

from django.db import transaction

from hujin.core.dates import business_date_get
from hujin.core.sql import Dialect, hot_rows
from hujin.ledger.services import transfers_create
from hujin.ledger.types import TransferRequest
from hujin.payments import events
from hujin.payments.channels import channel_mark_down, channel_mark_up, channels_route
from hujin.payments.errors import ChannelDown, ChannelUnavailable, PaymentRefusedByLedger
from hujin.payments.models import Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.house import (
    ACTOR,
    fee_transfer_id,
    house_accounts_open,
    payment_transfer_id,
)
from hujin.payments.types import (
    OUTCOME_FAILED,
    PAYMENT_CREATED,
    PAYMENT_PENDING,
    PAYMENT_UNKNOWN,
    TOPUP,
    PaymentView,
)

CHANNELS_DOWN = "channels_down"


def payment_route(payment: Payment, *, now: datetime) -> list:
    """The channels to try for ``payment``, its own first when it may still take it."""
    route = channels_route(bank_code=payment.card.bank_code, amount_minor=payment.amount, now=now)
    own = [c for c in route if c.name == payment.channel]
    return own + [c for c in route if c.name != payment.channel]


def payment_send(payment: Payment, *, now: datetime, route: list | None = None) -> PaymentView:
    """Give a booked payment to its channel, failing over while channels are down: it becomes
    ``pending`` with the channel's reference, ``unknown`` when the channel did not answer, or
    ``failed`` when every channel was down. ``route``: the channels to try, when the caller has
    just worked them out (its payment's channel first)."""
    for channel in payment_route(payment, now=now) if route is None else route:
        if channel.name != payment.channel and not _reroute(payment, channel.name, now):
            break  # someone else moved it meanwhile
        send = channel.pay_in if payment.kind == TOPUP else channel.pay_out
        try:
            reference = send(
                payment_id=payment.id, card_number=payment.card.number,
                holder_name=payment.card.holder_name, amount_minor=payment.amount,
                currency=payment.currency, now=now,
            )  # fmt: skip
        except ChannelDown:
            channel_mark_down(channel.name, now=now)
            continue
        except ChannelUnavailable:
            reference, status = "", PAYMENT_UNKNOWN
        else:
            status = PAYMENT_PENDING
            if getattr(channel, "was_failing", True):
                channel_mark_up(channel.name)
        if _moved_on(payment, status, reference, now):  # what was written is what the row now says
            payment.status, payment.channel_reference, payment.updated_at = status, reference, now
            return payment_view(payment)
        break
    else:
        _fail_all_down(payment, now)
    payment.refresh_from_db()
    return payment_view(payment)


_MOVE_ON = (
    "UPDATE payments_payment SET status = %s, channel_reference = %s, updated_at = %s "
    "WHERE id = %s AND status = %s RETURNING id"
)


def _moved_on(payment: Payment, status: str, reference: str, now: datetime) -> bool:
    """Record the channel's answer on a payment still ``created`` (one statement); False when
    it is not any more."""
    d = Dialect()
    moved = hot_rows(d, _MOVE_ON, [status, reference, d.datetime_in(now), d.uuid_in(payment.pk),
                                   PAYMENT_CREATED])  # fmt: skip
    return bool(moved)


def _fail_all_down(payment: Payment, now: datetime) -> None:
    from hujin.payments.services.callbacks import payment_finish

    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).select_related(
            "card", "customer").filter(pk=payment.pk, status=PAYMENT_CREATED).first()  # fmt: skip
        if locked is not None:
            payment_finish(locked, outcome=OUTCOME_FAILED, reference="",
                           failure_code=CHANNELS_DOWN, now=now)  # fmt: skip


def _reroute(payment: Payment, to_channel: str, now: datetime) -> bool:
    """Move a booked payment's holds to ``to_channel`` (in one transaction). False when the
    payment is no longer ``created``."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).select_related("customer").filter(
            pk=payment.pk, status=PAYMENT_CREATED).first()  # fmt: skip
        if locked is None:
            return False
        old_fee = fee_transfer_id(locked)
        voids = [TransferRequest(id=payment_transfer_id(locked.id, f"void@{locked.channel}"),
                                 kind="void_pending", pending_id=locked.hold_transfer_id,
                                 code=f"payments.{locked.kind}", linked=locked.fee > 0,
                                 metadata={"payment_id": str(locked.id)})]  # fmt: skip
        if locked.fee:
            voids.append(TransferRequest(
                id=payment_transfer_id(locked.id, f"fee_void@{locked.channel}"),
                kind="void_pending", pending_id=old_fee, code="payments.fee",
                metadata={"payment_id": str(locked.id)}))  # fmt: skip
        from hujin.payments.services.requests import hold_transfers

        house = house_accounts_open(channel=to_channel, now=now)
        before = {"channel": locked.channel}
        locked.channel = payment.channel = to_channel
        locked.hold_transfer_id = payment.hold_transfer_id = payment_transfer_id(
            locked.id, f"hold@{to_channel}")  # fmt: skip
        locked.fee_transfer_id = payment.fee_transfer_id = payment_transfer_id(
            locked.id, f"fee@{to_channel}")  # fmt: skip
        wallet = _wallet_of(locked)
        debit, credit = ((house.clearing_id, wallet) if locked.kind == TOPUP
                         else (wallet, house.in_flight_id))  # fmt: skip
        holds = hold_transfers(locked, debit, credit, house.fee_income_id, "pending")
        results = transfers_create(transfers=voids + holds, actor=ACTOR, now=now,
                                   business_date=business_date_get(now=now))  # fmt: skip
        if any(not r.ok for r in results):
            raise PaymentRefusedByLedger(details={"ledger_result": [r.result for r in results]})
        locked.updated_at = now
        locked.save(update_fields=["channel", "hold_transfer_id", "fee_transfer_id", "updated_at"])
        from hujin.payments.services.requests import payment_record

        payment_record(locked, actor=ACTOR, action="payments.payment_rerouted",
                       event=events.PAYMENT_REROUTED, now=now, before=before,
                       after={"channel": to_channel})  # fmt: skip
    return True


def _wallet_of(payment: Payment):
    return payment.customer.wallet_account_id

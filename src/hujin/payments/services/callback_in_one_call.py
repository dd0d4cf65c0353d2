"""A channel's callback saying a payment succeeded, applied in two round trips (PostgreSQL):
what ``payment_callback_apply`` tries first.

1. One read: the payment the channel knows by the reference, with what its event and its view
   carry (the customer's login by ``customers_user_of``, the card) and the business date.
2. ``payments_payment_finish`` (payments migration 0008) makes it final in one autocommitted
   statement: the payment ``succeeded``, its audit entry and ``payments.payment_succeeded``,
   and its hold posted in full (``ledger_transfer_resolve_one``, ledger migration 0011), as
   ``callbacks.payment_finish`` does.

Only the plain case goes this way: a top-up or a withdrawal still ``pending`` at that channel
under that reference, without a fee, the outcome ``succeeded``. Anything else — a repeat, a
contradiction, a failure (which gives the amount back to the limits), a payment the channel
names by its id only, one that moved between the read and the finish, a hold the ledger's
engine must decide on — returns None having written nothing, and the general way applies it.
"""

import json
from datetime import datetime

from django.db import DatabaseError

from hujin.core.audit import audit_prepare
from hujin.core.dates import DEFAULT_NAME
from hujin.core.events import dispatch_after_commit
from hujin.core.ids import new_id
from hujin.core.sql import Dialect, hot_cursor, hot_rows
from hujin.ledger.services import transfer_resolve_one_call
from hujin.ledger.types import TransferRequest
from hujin.payments import events
from hujin.payments.models import Card, Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.house import payment_transfer_id
from hujin.payments.services.one_call import ERROR, declined
from hujin.payments.services.requests import TARGET, payment_event_payload
from hujin.payments.types import (
    OUTCOME_SUCCEEDED,
    PAYMENT_PENDING,
    TRANSFER,
    CallbackApplied,
)

_FACTS = (
    "SELECT p.id, p.customer_id, customers_user_of(p.customer_id), p.kind, p.amount, p.fee, "
    "p.currency, p.status, p.hold_transfer_id, p.fee_transfer_id, p.created_at, p.card_id, "
    "c.last4, c.bank_code, (SELECT business_date FROM core_business_date(%s)) "
    "FROM payments_payment p LEFT JOIN payments_card c ON c.id = p.card_id "
    "WHERE p.channel = %s AND p.channel_reference = %s AND p.kind <> %s"
)
_FINISH = "SELECT payments_payment_finish(" + ", ".join(["%s"] * 35) + ")"


def callback_in_one_call(
    *, channel: str, reference: str, outcome: str, now: datetime, actor
) -> CallbackApplied | None:
    """Apply the callback in two round trips when it is the plain case (see the module), as
    ``actor`` (the payments system actor); None when it is not: nothing was written then."""
    d = Dialect()
    if not d.postgres or d.conn.in_atomic_block or outcome != OUTCOME_SUCCEEDED:
        return None
    rows = hot_rows(d, _FACTS, [DEFAULT_NAME, channel, reference, TRANSFER])
    if len(rows) != 1:
        return None
    (pid, customer_id, user_id, kind, amount, fee, currency, status, hold_id, fee_hold_id,
     created_at, card_id, last4, bank_code, business_date) = rows[0]  # fmt: skip
    if status != PAYMENT_PENDING or fee or fee_hold_id or user_id is None or business_date is None:
        return None
    payment = Payment(
        id=pid, customer_id=customer_id, kind=kind, amount=amount, fee=fee, currency=currency,
        status=OUTCOME_SUCCEEDED, channel=channel, channel_reference=reference,
        hold_transfer_id=hold_id, created_at=created_at, updated_at=now, finished_at=now,
        card=Card(id=card_id, last4=last4, bank_code=bank_code) if card_id else None,
    )  # fmt: skip
    metadata = {"payment_id": str(pid)}
    post = TransferRequest(
        id=payment_transfer_id(pid, "post"), kind="post_pending", pending_id=hold_id,
        code=f"payments.{kind}", metadata=metadata,
    )  # fmt: skip
    payment.resolution_transfer_id = post.id
    ledger = transfer_resolve_one_call(transfer=post, actor=actor, now=now,
                                       business_date=business_date)  # fmt: skip
    if ledger is None:
        return None
    action = f"payments.payment_{OUTCOME_SUCCEEDED}"
    before, after = {"status": status}, {"status": OUTCOME_SUCCEEDED, "failure_code": ""}
    audit, audit_hash = audit_prepare(
        actor=actor, action=action, target_type=TARGET, target_id=str(pid), occurred_at=now,
        before=before, after=after, chain=ledger.audit_chain,
    )  # fmt: skip
    payload = payment_event_payload(payment, user_id, channel_reference=reference)
    params = [
        pid, channel, reference, OUTCOME_SUCCEEDED, "", audit_hash, action,
        json.dumps(audit["before"]), json.dumps(audit["after"]), new_id(),
        events.PAYMENT_SUCCEEDED, json.dumps(payload), *ledger.params,
    ]  # fmt: skip
    try:
        with hot_cursor(d) as cursor:
            d.execute(cursor, _FINISH, params)
            cursor.fetchone()
    except DatabaseError as error:
        if declined(error) == ERROR:
            raise
        return None  # the general way applies it, and says what happened
    dispatch_after_commit(d)
    return CallbackApplied(payment=payment_view(payment), changed=True)

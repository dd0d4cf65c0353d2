"""A channel's signed callback: verified, then applied to the payment in one transaction.

``callback_receive`` is what the webhook view (and the sandbox, in-process) calls with the raw
request: the signature is an HMAC-SHA256 over ``f"{timestamp}.{body}"`` with the channel's
secret, the timestamp within five minutes of ``now``. ``payment_callback_apply`` makes the
payment final: a top-up's pending credit of the wallet is posted (succeeded) or voided (failed);
a withdrawal's hold on the wallet likewise (the plain success in two round trips on PostgreSQL:
``callback_in_one_call``). A callback repeating the final state is answered as
applied and moves nothing; one contradicting it is a conflict and changes nothing.

Body: ``{"payment_id": "<uuid>", "reference": "<channel reference>", "outcome": "succeeded" |
"failed", "failure_code": "<the channel's code, when failed>"}``.
"""

import json
import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import system_actor
from hujin.core.dates import business_date_get
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_create
from hujin.ledger.types import TransferRequest
from hujin.payments import events
from hujin.payments.channels import channel_named
from hujin.payments.errors import (
    CallbackConflict,
    CallbackMalformed,
    CallbackUnauthorised,
    PaymentNotFound,
    PaymentRefusedByLedger,
)
from hujin.payments.models import Payment
from hujin.payments.presenters import payment_view
from hujin.payments.services.callback_in_one_call import callback_in_one_call
from hujin.payments.services.house import fee_transfer_id, payment_transfer_id
from hujin.payments.services.limits import limits_counted, limits_release
from hujin.payments.services.requests import first_failure, payment_record
from hujin.payments.signing import MAX_SKEW_SECONDS, callback_signature_ok
from hujin.payments.types import (
    OUTCOME_FAILED,
    OUTCOME_SUCCEEDED,
    PAYMENT_FINAL,
    TRANSFER,
    CallbackApplied,
)

ACTOR = system_actor("payments")
MAX_BODY_BYTES = 4096


def callback_receive(
    *, channel: str, timestamp: str, signature: str, body: bytes, now: datetime
) -> CallbackApplied:
    """Verify a callback as it came over the wire and apply it.

    Raises PaymentNotFound (an unknown channel or reference), CallbackUnauthorised (a bad
    signature, a stale or missing timestamp), CallbackMalformed, CallbackConflict,
    PaymentRefusedByLedger."""
    if channel_named(channel) is None:
        raise PaymentNotFound()
    try:
        sent_at = int((timestamp or "").strip())
    except ValueError:
        raise CallbackUnauthorised() from None
    if abs(now.timestamp() - sent_at) > MAX_SKEW_SECONDS:
        raise CallbackUnauthorised()
    if len(body) > MAX_BODY_BYTES or not callback_signature_ok(
        channel=channel, timestamp=str(sent_at), body=body, signature=signature
    ):
        raise CallbackUnauthorised()
    try:
        data = json.loads(body)
        reference = str(data["reference"])
        payment_id = (
            uuid.UUID(str(data.get("payment_id") or "")) if data.get("payment_id") else None
        )
        outcome = data["outcome"]
        failure_code = str(data.get("failure_code") or "")[:64]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CallbackMalformed() from None
    return payment_callback_apply(
        channel=channel, reference=reference, outcome=outcome, failure_code=failure_code,
        payment_id=payment_id, now=now,
    )  # fmt: skip


def payment_callback_apply(
    *, channel: str, reference: str, outcome: str, now: datetime, failure_code: str = "",
    payment_id: uuid.UUID | None = None,
) -> CallbackApplied:  # fmt: skip
    """Make the payment the channel knows as ``reference`` final with ``outcome``. A payment
    whose reference Hujin never learnt (the channel's answer was lost: ``unknown``) is found by
    ``payment_id``. Raises CallbackMalformed, PaymentNotFound, CallbackConflict,
    PaymentRefusedByLedger."""
    if outcome not in (OUTCOME_SUCCEEDED, OUTCOME_FAILED) or not reference or len(reference) > 64:
        raise CallbackMalformed()
    applied = callback_in_one_call(
        channel=channel, reference=reference, outcome=outcome, now=now, actor=ACTOR
    )
    if applied is not None:
        return applied
    with transaction.atomic():
        payment = _locked(channel, reference, payment_id)
        if payment.status in PAYMENT_FINAL:
            if payment.status == outcome:
                return CallbackApplied(payment=payment_view(payment), changed=False)
            raise CallbackConflict(details={"status": payment.status})
        payment_finish(payment, outcome=outcome, reference=reference,
                       failure_code=failure_code, now=now)  # fmt: skip
    return CallbackApplied(payment=payment_view(payment), changed=True)


def _locked(channel: str, reference: str, payment_id: uuid.UUID | None) -> Payment:
    rows = Payment.objects.select_for_update(of=("self",)).select_related("card", "customer")
    rows = rows.exclude(kind=TRANSFER)  # a transfer between customers never was at a channel
    payment = rows.filter(channel=channel, channel_reference=reference).first()
    if payment is None and payment_id is not None:
        payment = rows.filter(channel=channel, id=payment_id, channel_reference="").first()
    if payment is None:
        raise PaymentNotFound()
    return payment


def payment_finish(
    payment: Payment, *, outcome: str, reference: str, failure_code: str, now: datetime,
    actor=ACTOR,
) -> None:  # fmt: skip
    """Post or void the payment's hold (and its fee's) and record the final state (in the
    caller's transaction, on the locked row). A failed payment gives its amount back to the
    customer's limits (when they counted it: not a payout made on the customer's behalf)."""
    step = "post" if outcome == OUTCOME_SUCCEEDED else "void"
    metadata = {"payment_id": str(payment.id)}
    resolutions = [
        TransferRequest(
            id=payment_transfer_id(payment.id, step), kind=f"{step}_pending",
            pending_id=payment.hold_transfer_id, code=f"payments.{payment.kind}",
            metadata=metadata, linked=payment.fee > 0,
        )
    ]  # fmt: skip
    if payment.fee > 0:
        resolutions.append(
            TransferRequest(
                id=payment_transfer_id(payment.id, f"fee_{step}"), kind=f"{step}_pending",
                pending_id=fee_transfer_id(payment), code="payments.fee",
                metadata=metadata,
            )
        )  # fmt: skip
    if outcome != OUTCOME_SUCCEEDED and limits_counted(payment):
        limits_release(customer_id=payment.customer_id, kind=payment.kind,
                       amount_minor=payment.amount, asked_at=payment.created_at)  # fmt: skip
    before = {"status": payment.status}
    payment.status = outcome
    payment.channel_reference = payment.channel_reference or reference
    payment.resolution_transfer_id = resolutions[0].id
    payment.failure_code = failure_code if outcome == OUTCOME_FAILED else ""
    payment.finished_at = payment.updated_at = now
    payment.save(
        update_fields=[
            "status", "channel_reference", "resolution_transfer_id", "failure_code",
            "finished_at", "updated_at",
        ]
    )  # fmt: skip
    succeeded = outcome == OUTCOME_SUCCEEDED
    event, extra = events.PAYMENT_SUCCEEDED if succeeded else events.PAYMENT_FAILED, {}
    if payment.kind == TRANSFER:  # a transfer held for review, now posted or voided
        extra = {"payee_customer_id": str(payment.payee_id),
                 "payee_user_id": str(payment.payee.user_id), "held": True}  # fmt: skip
        event = events.TRANSFER_SUCCEEDED if succeeded else event
    payment_record(
        payment, actor=actor, action=f"payments.payment_{outcome}", event=event, now=now,
        before=before, after={"status": outcome, "failure_code": payment.failure_code},
        channel_reference=payment.channel_reference, **extra,
        **({} if succeeded else {"failure_code": payment.failure_code}),
    )  # fmt: skip
    # The ledger last: the clearing account stays locked from here to the commit only.
    results = transfers_create(
        transfers=resolutions, actor=actor, now=now, business_date=business_date_get(now=now)
    )
    refused = [r.result for r in results if r.result not in (Result.OK, Result.EXISTS)]
    if refused:
        raise PaymentRefusedByLedger(details={"ledger_result": first_failure(results)})

"""Recovery: a payment whose channel answer never came is asked about until it is final.

``payments_unknown_resolve`` queries the channel for each payment still ``created``, ``pending``
or ``unknown`` and untouched for ``RECOVERY_AFTER``: an answer "succeeded" or "failed" makes it
final as a callback would; "not found" fails a payment the channel never took (a request that
stopped between the hold and the channel: the hold is voided); "pending" leaves it for the next
run. A COB step (before the ledger expires holds) and a task every few minutes run it.
"""

from datetime import datetime, timedelta

from django.db import transaction

from hujin.payments.channels import channel_named
from hujin.payments.models import Payment
from hujin.payments.services.callbacks import payment_finish
from hujin.payments.types import (
    OUTCOME_FAILED,
    OUTCOME_NOT_FOUND,
    OUTCOME_SUCCEEDED,
    PAYMENT_CREATED,
    PAYMENT_PENDING,
    PAYMENT_UNKNOWN,
    TRANSFER,
)

RECOVERY_AFTER = timedelta(minutes=10)
OPEN = (PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_UNKNOWN)
NOT_AT_CHANNEL = "not_at_channel"


def payments_unknown_resolve(
    *, now: datetime, older_than: timedelta = RECOVERY_AFTER, limit: int = 500
) -> dict[str, int]:
    """Ask the channel about open payments older than ``older_than``; returns counts by what
    happened (``succeeded``, ``failed``, ``still_open``)."""
    counts = {"succeeded": 0, "failed": 0, "still_open": 0}
    open_payments = list(
        Payment.objects.filter(status__in=OPEN, updated_at__lte=now - older_than)
        .exclude(kind=TRANSFER)
        .order_by("updated_at")
        .values_list("id", "channel")[:limit]
    )
    channels = {}
    for payment_id, name in open_payments:
        if name not in channels:
            channels[name] = channel_named(name)
        if channels[name] is None:  # a channel no longer configured: staff must see to it
            counts["still_open"] += 1
            continue
        answer = channels[name].query(payment_id=payment_id, now=now)
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .select_related("card", "customer")
                .get(pk=payment_id)
            )
            if payment.status not in OPEN:
                continue  # a callback came meanwhile
            if answer.outcome in (OUTCOME_SUCCEEDED, OUTCOME_FAILED):
                outcome, code = answer.outcome, answer.failure_code
            elif answer.outcome == OUTCOME_NOT_FOUND and payment.status != PAYMENT_PENDING:
                outcome, code = OUTCOME_FAILED, NOT_AT_CHANNEL
            else:
                counts["still_open"] += 1
                continue
            payment_finish(payment, outcome=outcome, reference=answer.reference,
                           failure_code=code, now=now)  # fmt: skip
            counts[outcome] += 1
    return counts

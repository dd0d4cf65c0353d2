"""The risk module's scheduled work, and what it does when a payment fails."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.events import DomainEvent
from hujin.risk import windows_store

# Payments' event (by its name: risk sits below payments) when a payment fails: the bank
# declined it, or a reviewer rejected a held one. Its payload names the payment.
PAYMENT_FAILED = "payments.payment_failed"


def cob_windows_prune(business_date: date, now: datetime) -> dict:
    """COB step: the window entries no rule's window can read any more are deleted."""
    with transaction.atomic():
        return {"deleted": windows_store.entries_prune(now=now)}


def on_payment_failed(event: DomainEvent) -> None:
    """The windows forget a payment that failed: money that did not move is not counted (the
    screen kept it under the payment's id). Its decision stays, as decided."""
    payment_id = event.payload.get("payment_id")
    if payment_id:
        with transaction.atomic():
            windows_store.entries_forget(event_id=uuid.UUID(str(payment_id)))

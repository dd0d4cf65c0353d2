"""The risk module's scheduled work, and what it does when a payment fails."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.events import DomainEvent
from hujin.core.screening import Movement
from hujin.risk import windows_store
from hujin.risk.screen import risk_payee_released

# Payments' events (by their names: risk sits below payments): a payment failed (the bank
# declined it, or a reviewer rejected a held one); a transfer between customers went through
# (``held``: a reviewer released it after the rules held it).
PAYMENT_FAILED = "payments.payment_failed"
TRANSFER_SUCCEEDED = "payments.transfer_succeeded"
CHANNEL = "internal"  # a transfer between customers never leaves Hujin (payments' own word)


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


def on_transfer_released(event: DomainEvent) -> None:
    """A transfer the rules held reaches its payee when a reviewer releases it: only then is
    its payee's side decided and counted, as money in at the release (``screen``). A transfer
    that went through at once was decided and counted on both sides by the screen."""
    payload = event.payload
    if not payload.get("held") or not payload.get("payee_customer_id"):
        return
    movement = Movement(
        customer_id=uuid.UUID(str(payload["customer_id"])),
        user_id=uuid.UUID(str(payload["user_id"])) if payload.get("user_id") else None,
        kind="transfer", direction="out", amount_minor=int(payload["amount_minor"]),
        currency=payload.get("currency", "CNY"), occurred_at=event.occurred_at,
        channel=CHANNEL, counterparty={"customer_id": str(payload["payee_customer_id"])},
        reference=uuid.UUID(str(payload["payment_id"])),
    )  # fmt: skip
    with transaction.atomic():
        risk_payee_released(movement)

"""Payments a screen held for review (``review``): a reviewer releases or rejects them.

- Release: a top-up or a withdrawal goes on to the channel as if it had not been held
  (``created`` → ``pending``); a transfer between customers is posted (the payee gets it).
- Reject: the hold (and its fee's) is voided, the amount goes back to the customer's limits and
  the payment fails with ``rejected_in_review``; the customer is told.

Both need ``payments.review_payments``; the reviewer's name, the time and the note are kept on
the payment's screening decision and in the audit chain.
"""

import uuid
from datetime import datetime

from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.payments import events
from hujin.payments.errors import CardNotActive, NotHeldForReview, PaymentNotFound, RuleInvalid
from hujin.payments.models import Payment
from hujin.payments.permissions import REVIEW_PAYMENTS
from hujin.payments.presenters import payment_view
from hujin.payments.services.callbacks import payment_finish
from hujin.payments.services.requests import payment_record
from hujin.payments.services.sending import payment_send
from hujin.payments.types import (
    CARD_ACTIVE,
    OUTCOME_FAILED,
    OUTCOME_SUCCEEDED,
    PAYMENT_CREATED,
    PAYMENT_REVIEW,
    TRANSFER,
    PaymentView,
)

REJECTED = "rejected_in_review"
MAX_NOTE = 500


def _held(payment_id: uuid.UUID) -> Payment:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("card", "customer", "payee", "screening")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise PaymentNotFound()
    if payment.status != PAYMENT_REVIEW:
        raise NotHeldForReview()
    return payment


def _note(note: str) -> str:
    note = (note or "").strip()
    if not note or len(note) > MAX_NOTE:
        raise RuleInvalid(details={"field": "note"})
    return note


def _reviewed(payment: Payment, actor: Actor, note: str, now: datetime) -> None:
    screening = payment.screening
    if screening is not None:
        screening.reviewed_by, screening.reviewed_at = actor.label or actor.id, now
        screening.review_note = note
        screening.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])


def payment_review_release(
    *, payment_id: uuid.UUID, actor: Actor, note: str, now: datetime
) -> PaymentView:
    """Let a held payment go on. Raises PermissionDenied, PaymentNotFound, NotHeldForReview,
    RuleInvalid (a note is required), CardNotActive (its card was unbound meanwhile: nothing
    goes to a card the customer let go; reject it instead)."""
    require_scope(actor, REVIEW_PAYMENTS)
    note = _note(note)
    with transaction.atomic():
        payment = _held(payment_id)
        if payment.kind != TRANSFER and payment.card.status != CARD_ACTIVE:
            raise CardNotActive()  # unbound while held: the reviewer rejects it instead
        _reviewed(payment, actor, note, now)
        if payment.kind == TRANSFER:
            payment_finish(payment, outcome=OUTCOME_SUCCEEDED, reference="", failure_code="",
                           now=now, actor=actor)  # fmt: skip
            return payment_view(payment)
        payment.status, payment.updated_at = PAYMENT_CREATED, now
        payment.save(update_fields=["status", "updated_at"])
        payment_record(
            payment, actor=actor, action="payments.payment_released",
            event=events.PAYMENT_RELEASED, now=now, before={"status": PAYMENT_REVIEW},
            after={"status": PAYMENT_CREATED, "note": note},
        )  # fmt: skip
    return payment_send(payment, now=now)


def payment_review_reject(
    *, payment_id: uuid.UUID, actor: Actor, note: str, now: datetime
) -> PaymentView:
    """Stop a held payment: its hold is voided and the money stays with the customer.
    Raises PermissionDenied, PaymentNotFound, NotHeldForReview, RuleInvalid."""
    require_scope(actor, REVIEW_PAYMENTS)
    note = _note(note)
    with transaction.atomic():
        payment = _held(payment_id)
        _reviewed(payment, actor, note, now)
        payment_finish(payment, outcome=OUTCOME_FAILED, reference="", failure_code=REJECTED,
                       now=now, actor=actor)  # fmt: skip
    return payment_view(payment)

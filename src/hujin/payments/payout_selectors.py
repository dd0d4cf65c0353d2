"""Reads of the payouts a system made on a customer's behalf (``services.payout``), for the
module that asked for them (lending's loan pages): the payout under its key, and the card it
went to, masked with its bank's name — also once the card is unbound."""

import uuid

from hujin.core.actors import Actor
from hujin.customers.selectors import own_standing
from hujin.payments.cardnumbers import masked_card
from hujin.payments.errors import NotPermitted
from hujin.payments.models import Card, Payment
from hujin.payments.presenters import bank_name, payment_view
from hujin.payments.types import PaymentView


def _customer_of(actor: Actor, customer_id: uuid.UUID) -> uuid.UUID | None:
    """``customer_id`` when ``actor`` may read their payouts: a system (the page that asks has
    authorised its reader already), or the customer themselves; None for their own others."""
    if actor.kind == "system":
        return customer_id
    if actor.kind == "customer":
        standing = own_standing(actor=actor)
        return customer_id if standing is not None and standing.customer_id == customer_id else None
    raise NotPermitted()


def payout_get(*, actor: Actor, customer_id: uuid.UUID, idempotency_key: str) -> PaymentView | None:
    """The payout (or any payment) of ``customer_id`` under ``idempotency_key``; None when
    there is none, or it is not the reading customer's. Raises NotPermitted for staff or keys."""
    customer = _customer_of(actor, customer_id)
    if customer is None:
        return None
    payment = (
        Payment.objects.select_related("card", "customer")
        .filter(customer_id=customer, idempotency_key=idempotency_key)
        .first()
    )
    return payment_view(payment) if payment is not None else None


def card_label(*, actor: Actor, customer_id: uuid.UUID, card_id: uuid.UUID) -> str:
    """The customer's card as pages name it, bound or not: "招商银行 6222 **** **** 1234"
    (the bank's name in the reader's language, when known); "" for no such card of theirs."""
    customer = _customer_of(actor, customer_id)
    card = (
        Card.objects.filter(id=card_id, customer_id=customer).first() if customer else None
    )  # fmt: skip
    if card is None:
        return ""
    masked = masked_card(first4=card.bin[:4], last4=card.last4)
    bank = bank_name(card.bank_code)
    return f"{bank} {masked}" if bank else masked

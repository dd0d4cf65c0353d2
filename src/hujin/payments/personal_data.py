"""The payments module's part of a person's data: their bank cards. Registered with the
personal-data registry (``hujin.core.personal_data``) from PaymentsConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.masking import mask_name
from hujin.payments.models import Card, Payment
from hujin.payments.selectors import cards_export
from hujin.payments.types import CARD_ACTIVE, CARD_PENDING, CARD_UNBOUND, TRANSFER

RETENTION = (
    "The card number, the holder's name and the reserved mobile are erased; which bank and the "
    "last four digits stay with the binding's dates, so that the payments made with the card "
    "(transaction records kept at least 5 years, Anti-Money Laundering Law art. 19) can still "
    "be traced to a card."
)


def payments_export(user_id: uuid.UUID) -> dict:
    return {
        "bank_cards": cards_export(user_id=user_id),
        "payments": _payments(user_id),
        "transfers_received": _transfers_received(user_id),
    }


def _payments(user_id: uuid.UUID) -> list[dict]:
    """The person's top-ups, withdrawals and transfers sent, oldest first (card by bank code and
    last four; a transfer has none)."""
    rows = (
        Payment.objects.filter(customer__user_id=user_id)
        .select_related("card")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": str(p.id),
            "kind": p.kind,
            "status": p.status,
            "amount_minor": p.amount,
            "fee_minor": p.fee,
            "currency": p.currency,
            "card": f"{p.card.bank_code} *{p.card.last4}".strip() if p.card else "",
            "created_at": p.created_at.isoformat(),
            "finished_at": p.finished_at.isoformat() if p.finished_at else None,
        }
        for p in rows
    ]


def _transfers_received(user_id: uuid.UUID) -> list[dict]:
    """The transfers other customers sent the person, oldest first, the payer's name masked
    (``张*``): the payer's name is the payer's personal data, not the person's."""
    rows = (
        Payment.objects.filter(payee__user_id=user_id, kind=TRANSFER)
        .select_related("customer")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": str(p.id),
            "status": p.status,
            "amount_minor": p.amount,
            "currency": p.currency,
            "payer": mask_name(p.customer.legal_name),
            "created_at": p.created_at.isoformat(),
            "finished_at": p.finished_at.isoformat() if p.finished_at else None,
        }
        for p in rows
    ]


def payments_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Blank the number, its index, the BIN, the name and the mobile; a card still bound or
    waiting is unbound. Runs inside the deletion's transaction."""
    cards = Card.objects.filter(customer__user_id=user_id)
    cards.filter(status__in=[CARD_ACTIVE, CARD_PENDING]).update(
        status=CARD_UNBOUND, is_default=False, unbound_at=now
    )
    cards.filter(anonymised_at__isnull=True).update(
        number="", number_index="", bin="", holder_name="", reserved_mobile="", anonymised_at=now
    )

"""The payments module's part of a person's data: their bank cards. Registered with the
personal-data registry (``hujin.core.personal_data``) from PaymentsConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.payments.models import Card
from hujin.payments.selectors import cards_export
from hujin.payments.types import CARD_ACTIVE, CARD_PENDING, CARD_UNBOUND

RETENTION = (
    "The card number, the holder's name and the reserved mobile are erased; which bank and the "
    "last four digits stay with the binding's dates, so that the payments made with the card "
    "(transaction records kept at least 5 years, Anti-Money Laundering Law art. 19) can still "
    "be traced to a card."
)


def payments_export(user_id: uuid.UUID) -> dict:
    return {"bank_cards": cards_export(user_id=user_id)}


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

"""The message a customer gets when a card becomes bound: the kind is registered with
notifications, and a subscriber to ``payments.card_bound`` sends it (idempotent: the event's
id is the message's dedupe key)."""

import uuid

from django.utils.translation import gettext_lazy as _

from hujin.core.actors import system_actor
from hujin.core.events import DomainEvent, event_subscribe
from hujin.notifications.services import notification_kind_register, notification_send
from hujin.notifications.types import CATEGORY_ACCOUNT, CHANNEL_INBOX, CHANNEL_SMS
from hujin.payments import events

CARD_BOUND_KIND = "payments.card_bound"
ACTOR = system_actor("payments")


def on_card_bound(event: DomainEvent) -> None:
    from hujin.payments.models import Card

    card = Card.objects.filter(id=event.payload["card_id"]).first()
    notification_send(
        user_id=uuid.UUID(event.payload["user_id"]),
        kind=CARD_BOUND_KIND,
        params={"last4": card.last4 if card else ""},
        dedupe_key=str(event.event_id),
        actor=ACTOR,
        now=event.occurred_at,
    )


def register() -> None:
    notification_kind_register(
        CARD_BOUND_KIND, category=CATEGORY_ACCOUNT, channels=(CHANNEL_INBOX, CHANNEL_SMS),
        title=_("A bank card is bound to your account"),
        body=_(
            "The bank card ending in %(last4)s is now bound to your Hujin account. If this was "
            "not you, contact customer service now."
        ),
        url_name="payments:cards",
    )  # fmt: skip
    event_subscribe(events.CARD_BOUND, on_card_bound, name="payments.card_bound_notice")

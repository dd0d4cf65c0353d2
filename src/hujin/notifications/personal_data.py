"""The notifications module's part of a person's data: their messages, switches and language.
Registered with the personal-data registry (``hujin.core.personal_data``) from
NotificationsConfig.ready."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.notifications.channels import dev_emails_forget
from hujin.notifications.models import Delivery, Message
from hujin.notifications.selectors import messages_export
from hujin.notifications.types import CHANNEL_EMAIL

RETENTION = (
    "Message bodies are dropped; that a message of each kind was sent, when and on which "
    "channels is kept without them, as evidence the customer was told (of a freeze, a "
    "password reset) for as long as the account's records are."
)


def notifications_export(user_id: uuid.UUID) -> dict:
    return messages_export(user_id=user_id)


def notifications_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Bodies go (they may hold a reason a person wrote, masked values); titles are the kinds'
    fixed words and stay. The development outbox's copies of the customer's e-mails go too."""
    Message.objects.filter(recipient_id=user_id).exclude(body="").update(body="")
    sent_mails = Delivery.objects.filter(
        message__recipient_id=user_id, channel=CHANNEL_EMAIL
    ).exclude(provider_message_id="")
    dev_emails_forget(list(sent_mails.values_list("provider_message_id", flat=True)))

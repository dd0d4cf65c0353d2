"""The customer's own writes: reading messages, choosing what reaches them and in which language;
and the directory that lets an event naming only a customer profile reach its login."""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.notifications.errors import MessageNotFound, PreferenceInvalid, RecipientNotFound
from hujin.notifications.models import Message, Preference, Recipient
from hujin.notifications.selectors import channel_enabled, message_view, preference_cells
from hujin.notifications.services.send import TARGET
from hujin.notifications.types import MessageView


def _own_user_id(actor: Actor) -> uuid.UUID:
    """A customer acts on their own messages only."""
    if actor.kind != "customer":
        raise RecipientNotFound()
    return uuid.UUID(actor.id)


def message_open(*, message_id: uuid.UUID | str, actor: Actor, now: datetime) -> MessageView:
    """One of the customer's own messages, marked read the first time it is opened.

    Raises MessageNotFound for anyone else's (and for staff)."""
    try:
        user_id = _own_user_id(actor)
        message_id = uuid.UUID(str(message_id))
    except (ValueError, RecipientNotFound):
        raise MessageNotFound() from None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().filter(pk=message_id, recipient_id=user_id).first()
        )
        if message is None:
            raise MessageNotFound()
        if message.read_at is None:
            message.read_at = now
            message.save(update_fields=["read_at"])
            audit_record(
                actor=actor,
                action="notifications.read",
                target_type=TARGET,
                target_id=str(message.id),
                occurred_at=now,
                after={"read_at": now.isoformat()},
            )
    return message_view(message, with_deliveries=True)


def messages_mark_all_read(*, actor: Actor, now: datetime, category: str = "") -> int:
    """Mark every unread message of the customer (of one category, if given) read. Returns how
    many were unread. Raises RecipientNotFound for anyone but a customer."""
    user_id = _own_user_id(actor)
    with transaction.atomic():
        unread = Message.objects.filter(recipient_id=user_id, read_at__isnull=True)
        if category:
            unread = unread.filter(category=category)
        count = unread.update(read_at=now)
        if count:
            audit_record(
                actor=actor,
                action="notifications.read_all",
                target_type="user",
                target_id=str(user_id),
                occurred_at=now,
                after={"messages": count, "category": category},
            )
    return count


def preferences_set(
    *,
    switched_on: Iterable[tuple[str, str]],
    language: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Save the customer's switches: of the (category, channel) pairs customers may switch
    (``selectors.preference_cells``), those in ``switched_on`` are on and the rest off; and the
    language their messages are written in ("" keeps the default). Raises RecipientNotFound (not
    a customer), PreferenceInvalid (a switch or a language that is not offered)."""
    user_id = _own_user_id(actor)
    offered = preference_cells()
    switched_on = set(switched_on)
    if not switched_on <= set(offered):
        raise PreferenceInvalid(details={"offered": ["/".join(c) for c in offered]})
    if language and language not in dict(settings.LANGUAGES):
        raise PreferenceInvalid(details={"language": language[:16]})
    with transaction.atomic():
        recipient, _created = Recipient.objects.select_for_update().get_or_create(user_id=user_id)
        before: dict[str, object] = {"language": recipient.language}
        after: dict[str, object] = {"language": language}
        for category, channel in offered:
            was = channel_enabled(user_id=user_id, category=category, channel=channel)
            enabled = (category, channel) in switched_on
            if was == enabled:
                continue
            Preference.objects.update_or_create(
                user_id=user_id,
                category=category,
                channel=channel,
                defaults={"enabled": enabled, "updated_at": now},
            )
            before[f"{category}.{channel}"], after[f"{category}.{channel}"] = was, enabled
        if recipient.language != language:
            recipient.language = language
            recipient.save(update_fields=["language"])
        if before != after:
            audit_record(
                actor=actor,
                action="notifications.preferences_change",
                target_type="user",
                target_id=str(user_id),
                occurred_at=now,
                before=before,
                after=after,
            )

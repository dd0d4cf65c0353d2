"""Sending a message: written to the inbox at once, sent by text or e-mail after the commit.

``notification_send`` runs in one transaction: the message, rendered in the recipient's language,
a delivery row for every channel of its kind (the inbox's sent; a text message or e-mail pending,
or skipped by the customer's preference or for want of a sender), its audit entry and its
``notifications.sent`` event. Once that commits, a worker sends the pending deliveries
(``deliveries_send``): an SMS gateway or a mail server must not be called inside the writer's
transaction, and a failure there is recorded on its delivery, never raised into the caller (an
event handler, a payment).
"""

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import translation

from hujin.core.actors import Actor, system_actor
from hujin.core.audit import audit_record
from hujin.core.errors import HujinError
from hujin.core.events import event_emit
from hujin.identity.selectors import customer_login_exists
from hujin.notifications import channels
from hujin.notifications.errors import (
    NotificationParamsInvalid,
    RecipientNotFound,
    UnknownNotificationKind,
)
from hujin.notifications.events import AGGREGATE, SENT
from hujin.notifications.kinds import NotificationKind, notification_kind_get
from hujin.notifications.models import Delivery, Message
from hujin.notifications.selectors import channel_enabled, recipient_language
from hujin.notifications.types import (
    CHANNEL_EMAIL,
    CHANNEL_INBOX,
    CHANNEL_SMS,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    DELIVERY_SENT,
    DELIVERY_SKIPPED,
    SKIPPED_BY_PREFERENCE,
    SKIPPED_NO_ADDRESS,
    SKIPPED_NO_TRANSPORT,
    SentMessage,
)

logger = logging.getLogger(__name__)
ACTOR = system_actor("notifications")
TARGET = "notifications.message"

_requester: Callable[[uuid.UUID], None] | None = None


def delivery_requester_set(requester: Callable[[uuid.UUID], None] | None) -> None:
    """How a committed send asks a worker to deliver its pending channels (``tasks`` installs
    the task queue's from ``NotificationsConfig.ready()``; None: the periodic sweep does)."""
    global _requester
    _requester = requester


def _request_delivery(message_id: uuid.UUID) -> None:
    requester = _requester
    if requester is None:
        return
    try:
        requester(message_id)
    except Exception:
        # The message is committed; a queue outage must not fail the writer. The sweep sends
        # it within a minute.
        logger.warning("could not enqueue a message's delivery; the sweep will send it")


def _render(kind: NotificationKind, params: Mapping[str, object], language: str):
    with translation.override(language):
        values = {key: str(value) for key, value in params.items()}
        try:
            return str(kind.title) % values, str(kind.body) % values
        except (KeyError, TypeError, ValueError):
            raise NotificationParamsInvalid(details={"kind": kind.key}) from None


def _initial_state(kind: NotificationKind, channel: str, user_id) -> tuple[str, str]:
    if channel == CHANNEL_INBOX:
        return DELIVERY_SENT, ""
    if kind.optional and not channel_enabled(
        user_id=user_id, category=kind.category, channel=channel
    ):
        return DELIVERY_SKIPPED, SKIPPED_BY_PREFERENCE
    if channel == CHANNEL_SMS and channels.sms_transport() is None:
        return DELIVERY_SKIPPED, SKIPPED_NO_TRANSPORT
    if channel == CHANNEL_EMAIL and channels.email_address_resolver() is None:
        return DELIVERY_SKIPPED, SKIPPED_NO_ADDRESS
    return DELIVERY_PENDING, ""


def _existing(user_id, dedupe_key: str) -> SentMessage | None:
    message = Message.objects.filter(recipient_id=user_id, dedupe_key=dedupe_key).first()
    if message is None:
        return None
    states = dict(message.deliveries.values_list("channel", "status"))
    return SentMessage(message_id=message.id, created=False, deliveries=states)


def notification_send(
    *,
    user_id: uuid.UUID | str,
    kind: str,
    params: Mapping[str, object] | None = None,
    link_args: Sequence[object] = (),
    dedupe_key: str = "",
    actor: Actor,
    now: datetime,
) -> SentMessage:
    """Write a message of ``kind`` to a customer's inbox and queue its other channels.

    ``params`` fill the kind's placeholders (rendered in the recipient's language); ``link_args``
    the arguments of the kind's ``url_name``. A ``dedupe_key`` (an event's id, a payment's id)
    makes the send idempotent: the same key for the same customer returns the first message.
    Raises UnknownNotificationKind, RecipientNotFound, NotificationParamsInvalid. Emits
    ``notifications.sent``.
    """
    definition = notification_kind_get(kind)
    if definition is None:
        raise UnknownNotificationKind(details={"kind": str(kind)[:64]})
    try:
        user_id = uuid.UUID(str(user_id))
    except ValueError:
        raise RecipientNotFound() from None
    dedupe_key = str(dedupe_key)[:100]
    if dedupe_key and (found := _existing(user_id, dedupe_key)) is not None:
        return found
    if not customer_login_exists(user_id=user_id):
        raise RecipientNotFound()
    language = recipient_language(user_id)
    title, body = _render(definition, params or {}, language)
    states = {c: _initial_state(definition, c, user_id) for c in definition.channels}
    try:
        with transaction.atomic():
            message = Message.objects.create(
                recipient_id=user_id,
                kind=definition.key,
                category=definition.category,
                language=language,
                title=title[:200],
                body=body,
                url_name=definition.url_name,
                url_args=[str(arg) for arg in link_args] if definition.url_name else [],
                dedupe_key=dedupe_key,
                created_at=now,
            )
            Delivery.objects.bulk_create(
                Delivery(
                    message=message,
                    channel=channel,
                    status=status,
                    error=reason,
                    created_at=now,
                    attempted_at=now if status != DELIVERY_PENDING else None,
                    sent_at=now if status == DELIVERY_SENT else None,
                )
                for channel, (status, reason) in states.items()
            )
            summary = {
                "user_id": str(user_id),
                "kind": definition.key,
                "category": definition.category,
                "deliveries": {channel: status for channel, (status, _r) in states.items()},
            }
            audit_record(
                actor=actor,
                action="notifications.send",
                target_type=TARGET,
                target_id=str(message.id),
                occurred_at=now,
                after={**summary, "skipped": {c: r for c, (_s, r) in states.items() if r}},
            )
            event_emit(
                aggregate_type=AGGREGATE,
                aggregate_id=str(user_id),
                event_type=SENT,
                payload={"message_id": str(message.id), **summary},
                occurred_at=now,
            )
            if any(status == DELIVERY_PENDING for status, _r in states.values()):
                transaction.on_commit(partial(_request_delivery, message.id), robust=True)
    except IntegrityError:
        # The same key sent concurrently: the other transaction's message is the one.
        found = _existing(user_id, dedupe_key) if dedupe_key else None
        if found is None:
            raise
        return found
    return SentMessage(
        message_id=message.id,
        created=True,
        deliveries={channel: status for channel, (status, _r) in states.items()},
    )


def _error_code(exc: Exception) -> str:
    return exc.code if isinstance(exc, HujinError) else type(exc).__name__


def _send_one(delivery: Delivery, *, now: datetime) -> tuple[str, str, str]:
    """(status, provider message id, error code) of one channel's send."""
    message = delivery.message
    try:
        if delivery.channel == CHANNEL_SMS:
            transport = channels.sms_transport()
            if transport is None:
                return DELIVERY_SKIPPED, "", SKIPPED_NO_TRANSPORT
            provider_id = transport(
                user_id=message.recipient_id, text=message.body, purpose=message.kind, now=now
            )
        else:
            resolve = channels.email_address_resolver()
            address = resolve(user_id=message.recipient_id) if resolve is not None else None
            if not address:
                return DELIVERY_SKIPPED, "", SKIPPED_NO_ADDRESS
            provider_id = channels.email_sender().send(
                to=address, subject=message.title, text=message.body, now=now
            )
    except Exception as exc:
        # An adapter talks to an outside provider and may fail in any way (a timeout, a
        # refusal, a bug in its client library): the failure belongs on the delivery, and must
        # not stop the other deliveries of the run. Only the error's code or class is kept.
        logger.warning(
            "notification delivery failed",
            extra={"delivery_id": str(delivery.id), "channel": delivery.channel},
        )
        return DELIVERY_FAILED, "", _error_code(exc)[:100]
    return DELIVERY_SENT, str(provider_id or "")[:100], ""


def deliveries_send(*, now: datetime, message_id: uuid.UUID | None = None, limit: int = 100) -> int:
    """Send the pending text messages and e-mails (of one message, or the oldest ``limit``),
    each under its own row lock so that two workers never send one twice. Records sent, failed
    or skipped on each delivery with an audit entry. Returns how many were tried."""
    pending = Delivery.objects.filter(status=DELIVERY_PENDING)
    if message_id is not None:
        pending = pending.filter(message_id=message_id)
    ids = list(pending.order_by("created_at", "id").values_list("id", flat=True)[:limit])
    tried = 0
    for delivery_id in ids:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("message")
                .filter(pk=delivery_id, status=DELIVERY_PENDING)
                .first()
            )
            if delivery is None:
                continue  # another worker has it, or had it
            status, provider_id, error = _send_one(delivery, now=now)
            delivery.status = status
            delivery.provider_message_id = provider_id
            delivery.error = error
            delivery.attempted_at = now
            delivery.sent_at = now if status == DELIVERY_SENT else None
            delivery.save(
                update_fields=["status", "provider_message_id", "error", "attempted_at", "sent_at"]
            )
            audit_record(
                actor=ACTOR,
                action="notifications.deliver",
                target_type=TARGET,
                target_id=str(delivery.message_id),
                occurred_at=now,
                before={"channel": delivery.channel, "status": DELIVERY_PENDING},
                after={"channel": delivery.channel, "status": status, "error": error},
            )
            tried += 1
    return tried

"""The channels beyond the inbox: text messages and e-mail, each behind an interface.

Text messages go out through a **transport hook**: ``sms_transport_set(send)`` with
``send(*, user_id, text, purpose, now) -> provider message id`` (raising when the send failed).
The hook takes the user's id, not a number: whoever sends looks the number up, so a mobile
number never passes through this module. ``NotificationsConfig.ready`` sets it to identity's
``sms_send_to_user`` (the number identity keeps, the sender ``HUJIN_SMS_SENDER`` names); with
no transport set, text messages are recorded as skipped (``no_transport``).

E-mail goes out through an **adapter** named by ``HUJIN_EMAIL_SENDER`` (a dotted path to a class
with ``send(*, to, subject, text, now) -> provider message id``). The default,
``DevEmailSender``, sends nothing: it keeps each mail (encrypted) in ``DevEmail``, which the
console's development e-mail outbox shows; it refuses to run in production. The address comes
from a resolver hook, ``email_address_resolver_set(resolve)`` with ``resolve(*, user_id) -> str |
None``; without one, e-mails are skipped (``no_address``).

``services`` re-exports the two setters: they are the public face.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from hujin.notifications.models import DevEmail

DEFAULT_EMAIL_SENDER = "hujin.notifications.channels.DevEmailSender"

SmsTransport = Callable[..., str]  # (*, user_id, text, purpose, now) -> provider message id
EmailAddressResolver = Callable[..., "str | None"]  # (*, user_id) -> address or None

_sms_transport: SmsTransport | None = None
_email_address_resolver: EmailAddressResolver | None = None


def sms_transport_set(transport: SmsTransport | None) -> None:
    """How text messages are sent (None: they are not, and are recorded as skipped)."""
    global _sms_transport
    _sms_transport = transport


def sms_transport() -> SmsTransport | None:
    return _sms_transport


def email_address_resolver_set(resolver: EmailAddressResolver | None) -> None:
    """Where a customer's e-mail goes (None: nowhere, e-mails are recorded as skipped)."""
    global _email_address_resolver
    _email_address_resolver = resolver


def email_address_resolver() -> EmailAddressResolver | None:
    return _email_address_resolver


class EmailSender(Protocol):
    """Sends one e-mail; returns the provider's message id. Raises when the send failed."""

    def send(self, *, to: str, subject: str, text: str, now: datetime) -> str: ...


class DevEmailSender:
    """Development and tests: the e-mail is stored, not sent."""

    development_only = True

    def send(self, *, to: str, subject: str, text: str, now: datetime) -> str:
        mail = DevEmail.objects.create(to=to, subject=subject[:200], text=text, sent_at=now)
        return str(mail.id)


def email_sender() -> EmailSender:
    """The configured sender. Raises ImproperlyConfigured for a development sender in prod."""
    path = getattr(settings, "HUJIN_EMAIL_SENDER", "") or DEFAULT_EMAIL_SENDER
    sender_class = import_string(path)
    if getattr(sender_class, "development_only", False) and settings.PROD:
        raise ImproperlyConfigured(
            f"HUJIN_EMAIL_SENDER={path} keeps e-mails in the database and is for development "
            "only; set it to your e-mail provider's adapter"
        )
    return sender_class()


def dev_emails_forget(provider_message_ids: list[str]) -> int:
    """Delete the development outbox's copies of these e-mails (a customer's anonymisation)."""
    ids = []
    for value in provider_message_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return DevEmail.objects.filter(id__in=ids).delete()[0] if ids else 0

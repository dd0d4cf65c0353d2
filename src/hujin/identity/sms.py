"""Sending text messages: one interface, chosen by the ``HUJIN_SMS_SENDER`` setting.

``HUJIN_SMS_SENDER`` is the dotted path of a class implementing ``SmsSender``. The default,
``DevSmsSender``, sends nothing: it keeps each message (encrypted) in ``DevSmsMessage`` where
the console page ``/auth/dev/sms/`` and the tests read it. ``GatewaySimulatorSender`` does the
same but behaves like a real gateway on a bad day (it waits, and fails a share of the sends), to
exercise the error paths. Both refuse to run in production (HUJIN_ENV=prod): a production
deployment names its SMS provider's adapter.
"""

import random
import re
import time
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from hujin.core.errors import HujinError
from hujin.identity.models import DevSmsMessage, User
from hujin.identity.phones import mobile_index_of

DEFAULT_SENDER = "hujin.identity.sms.DevSmsSender"


class SmsSendFailed(HujinError):
    code = "sms_send_failed"
    status = 503
    message = _("We could not send the text message just now. Try again in a minute.")


class SmsSender(Protocol):
    """Sends one text message; returns the provider's message id. Raises SmsSendFailed."""

    def send(self, *, to_e164: str, text: str, purpose: str, now: datetime) -> str: ...


class DevSmsSender:
    """Development and tests: the message is stored, not sent."""

    development_only = True

    def send(self, *, to_e164: str, text: str, purpose: str, now: datetime) -> str:
        message = DevSmsMessage.objects.create(
            to=to_e164, to_index=mobile_index_of(to_e164), text=text, purpose=purpose, sent_at=now
        )
        return str(message.id)


class GatewaySimulatorSender(DevSmsSender):
    """A simulated SMS gateway (development only): stores like DevSmsSender, but first waits
    ``delay_seconds`` and fails ``failure_rate`` of the sends, as set in
    ``HUJIN_SMS_SIMULATOR = {"delay_seconds": 0.5, "failure_rate": 0.2}``."""

    def send(self, *, to_e164: str, text: str, purpose: str, now: datetime) -> str:
        options = getattr(settings, "HUJIN_SMS_SIMULATOR", {})
        delay = float(options.get("delay_seconds", 0.5))
        if delay > 0:
            time.sleep(min(delay, 10.0))
        if random.random() < float(options.get("failure_rate", 0.2)):
            raise SmsSendFailed()
        return super().send(to_e164=to_e164, text=text, purpose=purpose, now=now)


def sms_sender() -> SmsSender:
    """The configured sender. Raises ImproperlyConfigured for a development sender in prod."""
    path = getattr(settings, "HUJIN_SMS_SENDER", "") or DEFAULT_SENDER
    sender_class = import_string(path)
    if getattr(sender_class, "development_only", False) and settings.PROD:
        raise ImproperlyConfigured(
            f"HUJIN_SMS_SENDER={path} keeps messages in the database and is for development "
            "only; set it to your SMS provider's adapter"
        )
    return sender_class()


class NoMobileNumber(HujinError):
    code = "no_mobile_number"
    status = 409
    message = _("This login has no mobile number to text.")


def sms_send_to_user(*, user_id, text: str, purpose: str, now: datetime) -> str:
    """Text a login's own mobile number (other modules name the person, never the number, which
    stays in identity); returns the provider's message id. Raises NoMobileNumber, SmsSendFailed.
    """
    mobile = User.objects.filter(pk=user_id).values_list("mobile", flat=True).first()
    if not mobile:
        raise NoMobileNumber()
    return sms_sender().send(to_e164=mobile, text=text, purpose=purpose[:32], now=now)


def dev_sms_latest(*, mobile_e164: str, purpose: str) -> DevSmsMessage | None:
    """The latest message the development sender kept for a number and purpose (tests, demo)."""
    return (
        DevSmsMessage.objects.filter(to_index=mobile_index_of(mobile_e164), purpose=purpose)
        .order_by("-sent_at", "-id")
        .first()
    )


def dev_sms_recent(*, limit: int = 50) -> list[DevSmsMessage]:
    """The latest messages the development sender kept, newest first (the console page)."""
    return list(DevSmsMessage.objects.order_by("-sent_at", "-id")[:limit])


def dev_sms_code(*, mobile_e164: str, purpose: str) -> str | None:
    """The 6-digit code in the latest development message for a number and purpose, or None."""
    message = dev_sms_latest(mobile_e164=mobile_e164, purpose=purpose)
    if message is None:
        return None
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.text)
    return found.group(1) if found else None

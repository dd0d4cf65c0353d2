"""Payment channels: the interface (``base``) and the built-in sandbox (``sandbox``).

``HUJIN_PAYMENTS_CHANNEL`` names the channel class; the default is the sandbox, which a
production settings (``PROD``) refuses.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from hujin.payments.channels.base import MoneyChannel

DEFAULT_CHANNEL = "hujin.payments.channels.sandbox.SandboxChannel"


def card_channel() -> MoneyChannel:
    path = getattr(settings, "HUJIN_PAYMENTS_CHANNEL", "") or DEFAULT_CHANNEL
    channel_class = import_string(path)
    if getattr(channel_class, "development_only", False) and settings.PROD:
        raise ImproperlyConfigured(
            f"HUJIN_PAYMENTS_CHANNEL is {path}, a development-only channel; configure a real "
            "payment channel in production."
        )
    return channel_class()

"""Signed channel callbacks: HMAC-SHA256 over ``f"{timestamp}.{body}"`` with the channel's secret.

Secrets come from ``settings.HUJIN_PAYMENTS_CHANNEL_SECRETS`` (a dict, channel name → secret).
In development a channel without one gets a random secret generated on first use and kept in the
var directory (``payments_channel_secret.<channel>``), as Django's secret key is; production
refuses a channel without a configured secret.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMESTAMP_HEADER = "X-Hujin-Timestamp"
SIGNATURE_HEADER = "X-Hujin-Signature"
# A callback older (or newer) than this is refused: a replay of a captured request is stale.
MAX_SKEW_SECONDS = 300


def channel_secret(channel: str) -> bytes:
    configured = (getattr(settings, "HUJIN_PAYMENTS_CHANNEL_SECRETS", None) or {}).get(channel)
    if configured:
        return str(configured).encode()
    if settings.PROD:
        raise ImproperlyConfigured(
            f"HUJIN_PAYMENTS_CHANNEL_SECRETS has no secret for the payment channel {channel!r}"
        )
    if not channel.replace("_", "").replace("-", "").isalnum():
        raise ImproperlyConfigured(f"not a channel name: {channel!r}")
    path = settings.VAR_DIR / f"payments_channel_secret.{channel}"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def callback_signature(*, channel: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(channel_secret(channel), message, hashlib.sha256).hexdigest()


def callback_signature_ok(*, channel: str, timestamp: str, body: bytes, signature: str) -> bool:
    expected = callback_signature(channel=channel, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, (signature or "").strip().lower())
